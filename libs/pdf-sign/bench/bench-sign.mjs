#!/usr/bin/env node
// Benchmark of the PAdES signing engine (`npm run bench:sign`): a 50-page PDF of 1 MB, 20 MB and
// 200 MB, the person's then the organisation's visible signature, against (a) the @signpdf
// pipeline (placeholder with pdf-lib, PKCS#7 with node-forge from a PKCS#12) and (b) the bare
// cost: SHA-256 of the file plus one node:crypto signature. Each scenario runs in its own
// process so its peak RSS is its own. Uses the built dist/ (the npm script builds first).
// BENCH_SIZES_MB=1,20 picks the sizes; BENCH_JSON=file also writes the rows as JSON.
import { spawnSync } from 'node:child_process';
import { createHash, randomFillSync, sign } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const SIZES_MB = (process.env.BENCH_SIZES_MB ?? '1,20,200').split(',').map(Number);
const PAGES = 50;


async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'edoc-bench-'));
  try {
    const keys = makeKeys(dir);
    const rows = [];
    for (const mb of SIZES_MB) {
      const file = join(dir, `in-${mb}mb.pdf`);
      writeTestPdf(file, mb * 1024 * 1024);
      const size = statSync(file).size;
      const check = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
      if (check.status !== 0) throw new Error(`generated PDF is not sound: ${check.stdout}${check.stderr}`);
      const iterations = mb <= 1 ? 30 : mb <= 20 ? 10 : 5;
      const scenarios = [
        ...(mb <= 20 ? [{ name: 'bare: sha256(buffer) + 1 sign', kind: 'bare-memory', iterations: iterations * 2 }] : []),
        ...(mb <= 20 ? [{ name: 'edoc signPdf (in memory)', kind: 'ours-buffer', iterations }] : []),
        { name: 'bare: sha256(file read) + 1 sign', kind: 'bare-file', iterations: iterations * 2 },
        { name: 'edoc signPdfFile (streamed, fsync)', kind: 'ours-file', iterations },
        { name: 'edoc signPdfFile (streamed, no fsync)', kind: 'ours-file-nosync', iterations },
        ...(mb <= 20 ? [{ name: '@signpdf pipeline', kind: 'signpdf', iterations: mb <= 1 ? 10 : 3 }] : []),
      ];
      for (const s of scenarios) {
        const r = spawnSync(process.execPath, ['--expose-gc', new URL(import.meta.url).pathname, '--child', JSON.stringify({ ...s, file, dir, keys })], { encoding: 'utf8', maxBuffer: 64 << 20 });
        if (r.status !== 0) throw new Error(`${s.name} (${mb} MB) failed: ${r.stderr}`);
        const result = JSON.parse(r.stdout.trim().split('\n').pop());
        rows.push({ sizeMB: mb, bytes: size, scenario: s.name, kind: s.kind, ...summarise(result.samples), cpuMedianMs: summarise(result.cpu).medianMs, peakRssMB: Math.round(result.maxRssKB / 1024) });
      }
    }
    print(rows);
    if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`);
  } finally {
    if (process.env.BENCH_KEEP_DIR) console.log(`inputs kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

function summarise(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { n: s.length, medianMs: round(q(0.5)), p95Ms: round(q(0.95)) };
}

const round = (x) => Math.round(x * 100) / 100;

function print(rows) {
  console.log('\nPer signature (person and organisation signatures pooled), RSA-2048, PAdES B-B, visible appearances:\n');
  console.log(['size', 'scenario', 'n', 'median ms', 'p95 ms', 'median CPU ms', 'peak RSS MB'].join('\t'));
  for (const r of rows) console.log([`${r.sizeMB} MB`, r.scenario, r.n, r.medianMs, r.p95Ms, r.cpuMedianMs, r.peakRssMB].join('\t'));
  console.log('(wall time suffers when other processes share the cores; CPU time of the process much less)');
  console.log('\nTargets:');
  for (const mb of new Set(rows.map((r) => r.sizeMB))) {
    const get = (kind) => rows.find((r) => r.sizeMB === mb && r.kind === kind);
    const ratio = (a, b) => `${round(a.medianMs / b.medianMs)}× wall, ${round(a.cpuMedianMs / b.cpuMedianMs)}× CPU`;
    const memory = get('ours-buffer');
    const file = get('ours-file');
    const other = get('signpdf');
    if (other) console.log(`  ${mb} MB: @signpdf / edoc in memory = ${ratio(other, memory)} (target ≥ 20×)`);
    if (memory) console.log(`  ${mb} MB: edoc in memory / bare in memory = ${ratio(memory, get('bare-memory'))} (target ≤ 3×)`);
    console.log(`  ${mb} MB: edoc streamed / bare from file = ${ratio(file, get('bare-file'))} with fsync; ${ratio(get('ours-file-nosync'), get('bare-file'))} without (target ≤ 3×)`);
    console.log(`  ${mb} MB: peak RSS streamed ${file.peakRssMB} MB${memory ? `, in memory ${memory.peakRssMB} MB` : ''} (target < 300 MB at 200 MB)`);
  }
}

// ---------------------------------------------------------------------------------------------

async function child(job) {
  const samples = [];
  const cpu = [];
  const time = async (fn) => {
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    const r = await fn();
    const used = process.cpuUsage(c);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    cpu.push((used.user + used.system) / 1000);
    return r;
  };
  const warmup = 2;
  if (job.kind === 'bare-memory' || job.kind === 'bare-file') {
    const key = require('node:crypto').createPrivateKey(readFileSync(job.keys.personKey));
    const attrs = Buffer.alloc(120, 1);
    const input = job.kind === 'bare-memory' ? readFileSync(job.file) : undefined;
    for (let i = 0; i < job.iterations + warmup; i++) {
      await time(() => {
        const digest = input ? createHash('sha256').update(input).digest() : hashFile(job.file);
        return sign('sha256', Buffer.concat([attrs, digest]), key);
      });
    }
  } else if (job.kind.startsWith('ours-')) {
    const { loadSigningIdentity } = require('@edoc/pki');
    const { signPdf, signPdfFile } = require('@edoc/pdf-sign');
    const person = loadSigningIdentity({ certificatePem: readFileSync(job.keys.personCert, 'utf8'), privateKeyPem: readFileSync(job.keys.personKey, 'utf8'), chainPem: [readFileSync(job.keys.caCert, 'utf8')] });
    const org = loadSigningIdentity({ certificatePem: readFileSync(job.keys.orgCert, 'utf8'), privateKeyPem: readFileSync(job.keys.orgKey, 'utf8'), chainPem: [readFileSync(job.keys.caCert, 'utf8')] });
    const personLook = { kind: 'person', competence: 'TM. ỦY BAN NHÂN DÂN', position: 'CHỦ TỊCH', fullName: 'Nguyễn Văn Đức', image: readFileSync(job.keys.signaturePng) };
    const orgLook = { kind: 'organisation', seal: readFileSync(job.keys.sealPng), numberNotation: '123/UBND-VP', issuedDate: 'ngày 01 tháng 5 năm 2024', orgName: 'UBND quận Hai Bà Trưng' };
    if (job.kind === 'ours-buffer') {
      const input = readFileSync(job.file);
      for (let i = 0; i < job.iterations + warmup; i++) {
        const first = await time(() => signPdf(input, { identity: person, appearance: personLook }));
        await time(() => signPdf(first, { identity: org, appearance: orgLook }));
      }
    } else {
      const a = join(job.dir, `person-${process.pid}.pdf`);
      const b = join(job.dir, `org-${process.pid}.pdf`);
      const durable = job.kind === 'ours-file';
      for (let i = 0; i < job.iterations + warmup; i++) {
        await time(() => signPdfFile(job.file, a, { identity: person, appearance: personLook, durable }));
        await time(() => signPdfFile(a, b, { identity: org, appearance: orgLook, durable }));
      }
      rmSync(a);
      rmSync(b);
    }
  } else if (job.kind === 'signpdf') {
    const { PDFDocument } = require('pdf-lib');
    const { pdflibAddPlaceholder } = require('@signpdf/placeholder-pdf-lib');
    const { P12Signer } = require('@signpdf/signer-p12');
    const signpdf = require('@signpdf/signpdf').default;
    const input = readFileSync(job.file);
    const personP12 = readFileSync(job.keys.personP12);
    const orgP12 = readFileSync(job.keys.orgP12);
    const signWith = async (pdf, p12, name) => {
      const doc = await PDFDocument.load(pdf);
      pdflibAddPlaceholder({ pdfDoc: doc, reason: 'Phê duyệt', contactInfo: '', name, location: 'Hà Nội', widgetRect: [300, 60, 500, 180] });
      const withPlaceholder = Buffer.from(await doc.save({ useObjectStreams: false }));
      return signpdf.sign(withPlaceholder, new P12Signer(p12, { passphrase: 'bench' }));
    };
    for (let i = 0; i < job.iterations + warmup; i++) {
      const first = await time(() => signWith(input, personP12, 'person'));
      await time(() => signWith(first, orgP12, 'organisation'));
    }
  }
  const skip = job.kind.startsWith('bare') ? warmup : warmup * 2;
  console.log(JSON.stringify({ samples: samples.slice(skip), cpu: cpu.slice(skip), maxRssKB: process.resourceUsage().maxRSS }));
}

function hashFile(file) {
  const h = createHash('sha256');
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    let pos = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  return h.digest();
}

// ---------------------------------------------------------------------------------------------

function makeKeys(dir) {
  const pki = require('@edoc/pki');
  const forge = require('node-forge');
  const root = pki.createRootCa({ commonName: 'Bench Root', keyAlgorithm: 'rsa-2048' });
  const ca = pki.createIssuingCa(root, { commonName: 'Bench CA', keyAlgorithm: 'rsa-2048' });
  const org = { orgCode: '000.00.12.H26', orgName: 'UBND quận Hai Bà Trưng' };
  const person = pki.issuePersonCertificate(ca, { ...org, fullName: 'Nguyễn Văn Đức', position: 'Chủ tịch', keyAlgorithm: 'rsa-2048' });
  const organisation = pki.issueOrganisationCertificate(ca, { ...org, keyAlgorithm: 'rsa-2048' });
  const files = {};
  const put = (name, content) => {
    files[name] = join(dir, name);
    writeFileSync(files[name], content);
  };
  put('caCert', ca.certificatePem);
  put('personCert', person.certificatePem);
  put('personKey', person.privateKeyPem);
  put('orgCert', organisation.certificatePem);
  put('orgKey', organisation.privateKeyPem);
  const p12 = (cred) => {
    const key = forge.pki.privateKeyFromPem(cred.privateKeyPem);
    const asn1 = forge.pkcs12.toPkcs12Asn1(key, [forge.pki.certificateFromPem(cred.certificatePem), forge.pki.certificateFromPem(ca.certificatePem)], 'bench', { algorithm: '3des' });
    return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
  };
  put('personP12', p12(person));
  put('orgP12', p12(organisation));
  put('signaturePng', png(240, 80, (x, y) => (Math.abs(y - (40 + 25 * Math.sin(x / 18))) < 3 ? [20, 40, 200, 255] : [255, 255, 255, 0])));
  put('sealPng', png(160, 160, (x, y) => {
    const d = Math.hypot(x - 80, y - 80);
    return (d > 70 && d < 78) || d < 12 ? [210, 20, 20, 230] : [255, 255, 255, 0];
  }));
  return files;
}

/** A classic-xref PDF of about `bytes`, written in chunks: 50 pages, each with text and an incompressible image. */
function writeTestPdf(path, bytes) {
  const fd = openSync(path, 'w');
  let pos = 0;
  const offsets = [];
  const w = (data) => {
    const b = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    writeSync(fd, b, 0, b.length, pos);
    pos += b.length;
  };
  const obj = (num, text) => {
    offsets[num] = pos;
    w(`${num} 0 obj\n${text}\nendobj\n`);
  };
  w('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
  const font = 3 + PAGES * 3;
  obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  obj(2, `<< /Type /Pages /Count ${PAGES} /Kids [${Array.from({ length: PAGES }, (_, i) => `${3 + i * 3} 0 R`).join(' ')}] >>`);
  const perPage = Math.max(1000, Math.floor((bytes - 20_000) / PAGES));
  const width = 1000;
  const height = Math.ceil(perPage / width);
  const chunk = Buffer.allocUnsafe(1 << 20);
  for (let i = 0; i < PAGES; i++) {
    const page = 3 + i * 3;
    obj(page, `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Resources << /Font << /F1 ${font} 0 R >> /XObject << /Im0 ${page + 2} 0 R >> >> /Contents ${page + 1} 0 R >>`);
    const content = `BT /F1 14 Tf 72 780 Td (Page ${i + 1} of the benchmark document) Tj ET q 400 0 0 300 100 400 cm /Im0 Do Q`;
    obj(page + 1, `<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
    offsets[page + 2] = pos;
    w(`${page + 2} 0 obj\n<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Length ${width * height} >>\nstream\n`);
    for (let left = width * height; left > 0; left -= chunk.length) {
      const n = Math.min(left, chunk.length);
      randomFillSync(chunk, 0, n);
      w(chunk.subarray(0, n));
    }
    w('\nendstream\nendobj\n');
  }
  obj(font, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const xref = pos;
  let table = `xref\n0 ${font + 1}\n0000000000 65535 f\r\n`;
  for (let n = 1; n <= font; n++) table += `${String(offsets[n]).padStart(10, '0')} 00000 n\r\n`;
  w(`${table}trailer\n<< /Size ${font + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  closeSync(fd);
}

function png(width, height, pixel) {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set(pixel(x, y), y * (width * 4 + 1) + 1 + x * 4);
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunkOf = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunkOf('IHDR', ihdr), chunkOf('IDAT', deflateSync(raw)), chunkOf('IEND', Buffer.alloc(0))]);
}

// Entry point last: the helpers above are initialised by now.
if (process.argv[2] === '--child') await child(JSON.parse(process.argv[3]));
else await main();
