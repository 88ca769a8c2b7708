#!/usr/bin/env node
// npm run bench:approval: how long from a signer's approval to the document issued (the person's
// signature, the number, the organisation's seal), at 1 MB, when the keys are key files (the demo)
// and when they are on an HSM (SoftHSM2 over PKCS#11, approved with a TOTP code). Baseline in the
// same run: the bare engine signing the same file twice with the key file, no exchange around it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { startStack } from './bench-memory/stack.mjs';
import { percentile } from './bench-stats.mjs';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');
if (process.argv.includes('--help')) {
  console.log('usage: npm run bench:approval\n  BENCH_APPROVALS  approvals per key holder (default 20; an even number: each HSM signer gives two TOTP codes a period)');
  process.exit(0);
}
const APPROVALS = Number(process.env.BENCH_APPROVALS ?? 20);
const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const PIN = '246810';
const OTPAuth = require('otpauth');

const district = JSON.parse(readFileSync(join(root, 'deploy', 'seed', 'demo-district.json'), 'utf8'));
const wards = district.organisations.filter((o) => o.kind === 'ward').map((o) => o.code);
const users = JSON.parse(readFileSync(join(root, 'deploy', 'seed', 'demo-users.json'), 'utf8')).users;
const unitOf = (code) => ({ clerk: users.find((u) => u.orgCode === code && u.roles.includes('clerk')).username, signer: users.find((u) => u.orgCode === code && u.roles.includes('signer')).username, code });
const units = wards.map(unitOf);
const hsmUnits = units.slice(0, APPROVALS / 2);
const pemUnits = units.slice(APPROVALS / 2, APPROVALS);
if (pemUnits.length < APPROVALS / 2) throw new Error(`at most ${units.length} approvals`);

/** Moves the HSM units' signer and seal keys onto a SoftHSM2 token of the benchmark's own and deletes the files. */
async function keysToHsm({ dataDir, env }) {
  const hsm = join(dataDir, 'hsm');
  mkdirSync(join(hsm, 'tokens'), { recursive: true });
  writeFileSync(join(hsm, 'softhsm2.conf'), `directories.tokendir = ${join(hsm, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  writeFileSync(join(hsm, 'pin'), PIN, { mode: 0o600 });
  const hsmEnv = { ...process.env, SOFTHSM2_CONF: join(hsm, 'softhsm2.conf') };
  const util = (args) => execFileSync('softhsm2-util', args, { env: hsmEnv, stdio: 'pipe' });
  util(['--init-token', '--free', '--label', 'bench-hsm', '--pin', PIN, '--so-pin', '13579111']);
  let id = 1;
  for (const unit of hsmUnits) {
    for (const [file, label] of [[`people/${unit.signer}.key.pem`, `person/${unit.signer}`], [`orgs/${unit.code}.key.pem`, `org/${unit.code}`]]) {
      util(['--import', join(dataDir, 'secrets', 'signing', 'keys', file), '--token', 'bench-hsm', '--label', label, '--id', (id++).toString(16).padStart(4, '0'), '--pin', PIN]);
      rmSync(join(dataDir, 'secrets', 'signing', 'keys', file));
    }
  }
  Object.assign(env, { SOFTHSM2_CONF: join(hsm, 'softhsm2.conf'), EDOC_HSM_MODULE: SOFTHSM_MODULE, EDOC_HSM_TOKEN: 'bench-hsm', EDOC_HSM_PIN_FILE: join(hsm, 'pin') });
}

async function call(url, token, body) {
  const response = await fetch(url, { method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${text}`);
  return JSON.parse(text);
}

async function submit(stack, unit, pdf, index) {
  const form = new FormData();
  form.append('metadata', JSON.stringify({ type: 'CV', subject: `Đo thời gian duyệt ký số ${index}`, recipients: ['000.00.13.H26'], signer: unit.signer }));
  form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'van-ban.pdf');
  const response = await fetch(stack.url('intake', '/documents'), { method: 'POST', headers: { authorization: `Bearer ${stack.token(unit.clerk)}` }, body: form });
  if (response.status !== 202) throw new Error(`submission refused: ${response.status} ${await response.text()}`);
  const { documentId } = await response.json();
  // The request reaches signing through the broker.
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(20)) {
    const probe = await fetch(stack.url('signing', `/sign-requests/${documentId}`), { headers: { authorization: `Bearer ${stack.token(unit.signer)}` } });
    await probe.body?.cancel();
    if (probe.status === 200) return documentId;
  }
  throw new Error(`request ${documentId} never reached signing`);
}

async function approvedToIssued(stack, unit, documentId, body) {
  const started = performance.now();
  await call(stack.url('signing', `/sign-requests/${documentId}/approve`), stack.token(unit.signer), body);
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(10)) {
    const doc = await call(stack.url('intake', `/documents/${documentId}`), stack.token(unit.clerk));
    if (doc.failure !== null) throw new Error(`document failed: ${doc.failure.reason}`);
    if (doc.state === 'issued') return performance.now() - started;
  }
  throw new Error(`${documentId} not issued within 60 s of its approval`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Enrols a signer's authenticator, confirmed with the previous period's code (one period of drift is allowed). */
async function enrolTotp(stack, signer, periodStart) {
  const enrolment = await call(stack.url('signing', '/second-factor/enrol'), stack.token(signer), {});
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(enrolment.secret) });
  await call(stack.url('signing', '/second-factor/confirm'), stack.token(signer), { code: totp.generate({ timestamp: periodStart - 30_000 }) });
  return totp;
}

async function bareEngine(pdf) {
  const { signPdf } = require('@edoc/pdf-sign');
  const { createIssuingCa, createRootCa, issuePersonCertificate, loadSigningIdentity } = require('@edoc/pki');
  const rootCa = createRootCa({ commonName: 'Bench Root', keyAlgorithm: 'ec-p256' });
  const ca = createIssuingCa(rootCa, { commonName: 'Bench CA', keyAlgorithm: 'ec-p256' });
  const person = issuePersonCertificate(ca, { orgCode: '000.00.13.H26', orgName: 'UBND', fullName: 'Người Ký', position: 'Chủ tịch', keyAlgorithm: 'ec-p256' });
  const identity = loadSigningIdentity({ certificatePem: person.certificatePem, privateKeyPem: person.privateKeyPem, chainPem: [ca.certificatePem] });
  const times = [];
  for (let i = 0; i < APPROVALS; i++) {
    const started = performance.now();
    const once = await signPdf(pdf, { identity, appearance: { kind: 'person', position: 'CHỦ TỊCH', fullName: 'Người Ký' }, fieldName: 'NguoiKy' });
    await signPdf(once, { identity, appearance: { kind: 'organisation', numberNotation: '01/UBND-VP', issuedDate: '04/12/2026', orgName: 'UBND' }, fieldName: 'CoQuan' });
    times.push(performance.now() - started);
  }
  return times;
}

const { writeLargePdf } = require('@edoc/testing');
const scratch = mkdtempSync(join(tmpdir(), 'edoc-bench-approval-'));
await writeLargePdf(join(scratch, 'one-mb.pdf'), 1024 * 1024, 'Văn bản đo thời gian duyệt');
const pdf = readFileSync(join(scratch, 'one-mb.pdf'));
rmSync(scratch, { recursive: true, force: true });
console.log(`starting a scratch exchange; ${hsmUnits.length} wards' signer and seal keys moved to SoftHSM2, ${pemUnits.length} wards' kept as key files ...`);
const stack = await startStack({ root, beforeServices: keysToHsm });
try {
  const results = { 'key file (demo)': [], 'HSM + TOTP': [] };
  for (const round of [0, 1]) {
    for (const [index, unit] of pemUnits.entries()) results['key file (demo)'].push(await approvedToIssued(stack, unit, await submit(stack, unit, pdf, round * 100 + index), {}));
  }
  process.stdout.write(`key files: ${results['key file (demo)'].length} approvals done\n`);
  // A code is good once and only within a period of the clock: each HSM signer confirms with the
  // previous period's code, then approves with this period's and the next one's.
  const now = Date.now();
  const totps = new Map();
  for (const unit of hsmUnits) totps.set(unit.signer, await enrolTotp(stack, unit.signer, now));
  for (const round of [0, 1]) {
    for (const [index, unit] of hsmUnits.entries()) {
      const documentId = await submit(stack, unit, pdf, 100 + index);
      const code = totps.get(unit.signer).generate({ timestamp: now + round * 30_000 });
      results['HSM + TOTP'].push(await approvedToIssued(stack, unit, documentId, { code }));
    }
  }
  const bare = await bareEngine(pdf);
  console.log(`\nApproval to issued, 1 MB PDF, ${APPROVALS} approvals each, one at a time (ms):\n`);
  const row = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(38) : String(c).padStart(16))).join('');
  console.log(row(['', 'p50', 'p99', 'x baseline p50']));
  const base = percentile(bare, 50);
  for (const [name, values] of [...Object.entries(results), ['baseline: engine alone, 2 signatures', bare]]) {
    console.log(row([name, percentile(values, 50).toFixed(0), percentile(values, 99).toFixed(0), (percentile(values, 50) / base).toFixed(1)]));
  }
  console.log(`\n(the exchange adds the broker hops, the numbering, the time-stamps and the object store to the two signatures; p99 of ${APPROVALS} samples is about their maximum)`);
} finally {
  await stack.stop();
}
