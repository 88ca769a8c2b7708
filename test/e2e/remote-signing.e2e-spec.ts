import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as OTPAuth from 'otpauth';
import { Client } from 'pg';
import { SOFTHSM_MODULE } from '@edoc/testing';
import { TestExchange } from '../support/test-exchange';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';
import { documentTimestampVerdicts, pdfsigValidity, qpdfCheck } from '../support/external-validators';
import { extractSignatures, opensslVerify } from '../../libs/pdf-sign/test/helpers/external-tools';

const DISTRICT = '000.00.13.H26';
const BACH_DANG = '000.31.13.H26';
const NOI_VU = '000.02.13.H26';
const PIN = '246810';

interface RequestView {
  state: string;
  approval: { approvedBy: string; keyHolder: string; secondFactor: string } | null;
  message?: string;
}

/**
 * Remote signing (ký số từ xa): the chairman's key and the district's seal key live on an HSM
 * (SoftHSM2, a real PKCS#11 token, with a token folder of this test's own) and nowhere else; the
 * key is used only when the chairman approves with a TOTP code. No signer desk runs here.
 */
describe('remote signing: keys in the HSM, approved with a second factor', () => {
  let exchange: TestExchange;
  let db: Client;
  let hsmDir: string;
  const secrets = new Map<string, string>();
  /**
   * The code the signer's authenticator shows `stepsAhead` periods from now. A code is good once and
   * must be of a later period than the last one accepted: confirming takes this period's, the
   * approval that follows the next one's (one period of drift is allowed).
   */
  const codeAt = (signer: string, stepsAhead: number) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secrets.get(signer) ?? '') }).generate({ timestamp: Date.now() + stepsAhead * 30_000 });

  async function enrolAndConfirm(signer: string): Promise<void> {
    const enrolment = await http<{ secret: string; uri: string }>(exchange.url('signing', '/second-factor/enrol'), { token: exchange.token(signer), json: {} });
    expect(enrolment.status).toBe(201);
    expect(enrolment.body.uri).toContain(`otpauth://totp/edoc:${signer}?`);
    secrets.set(signer, enrolment.body.secret);
    expect((await http(exchange.url('signing', '/second-factor/confirm'), { token: exchange.token(signer), json: { code: codeAt(signer, 0) } })).status).toBe(200);
  }

  beforeAll(async () => {
    exchange = await TestExchange.start({ signersAtDesk: false, env: { EDOC_APPROVAL_RETRY_SECONDS: '1' } });
    db = new Client({ connectionString: exchange.databaseUrl });
    await db.connect();
    // The HSM: a token folder of this test's own, so that taking it away touches no other test.
    hsmDir = join(exchange.dataFolder, 'hsm');
    mkdirSync(join(hsmDir, 'tokens'), { recursive: true });
    writeFileSync(join(hsmDir, 'softhsm2.conf'), `directories.tokendir = ${join(hsmDir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
    const softhsm = (args: string[]) => execFileSync('softhsm2-util', args, { env: { ...process.env, SOFTHSM2_CONF: join(hsmDir, 'softhsm2.conf') }, stdio: 'pipe' });
    softhsm(['--init-token', '--free', '--label', 'district-hsm', '--pin', PIN, '--so-pin', '13579111']);
    // Signing's own secrets folder: where provisioning put the keys of people and organisations.
    const keys = join(exchange.dataFolder, 'secrets', 'signing', 'keys');
    const moves = [
      ['people/hbt.signer.key.pem', 'person/hbt.signer', '01'],
      [`orgs/${DISTRICT}.key.pem`, `org/${DISTRICT}`, '02'],
      ['people/vp.signer.key.pem', 'person/vp.signer', '03'],
      // Phòng Nội vụ: its signer's key stays a file, its seal is on the HSM.
      [`orgs/${NOI_VU}.key.pem`, `org/${NOI_VU}`, '04'],
    ];
    for (const [file, label, id] of moves) {
      softhsm(['--import', join(keys, file), '--token', 'district-hsm', '--label', label, '--id', id, '--pin', PIN]);
      // Held by the HSM and nowhere else from now on.
      rmSync(join(keys, file));
    }
    writeFileSync(join(hsmDir, 'pin'), PIN, { mode: 0o600 });
    Object.assign(exchange.env, { SOFTHSM2_CONF: join(hsmDir, 'softhsm2.conf'), EDOC_HSM_MODULE: SOFTHSM_MODULE, EDOC_HSM_TOKEN: 'district-hsm', EDOC_HSM_PIN_FILE: join(hsmDir, 'pin') });
    await restartSigning();
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await exchange?.stop();
  });

  async function restartSigning(): Promise<void> {
    await exchange.stopEveryInstance('signing');
    await exchange.startEveryInstance('signing');
  }

  async function submitAndWait(subject: string, unit: 'hbt' | 'vp' | 'nv' = 'hbt'): Promise<string> {
    const answer = await http<{ documentId: string }>(exchange.url('intake', '/documents'), {
      token: exchange.token(`${unit}.clerk`),
      form: submissionForm({ type: 'QĐ', subject, recipients: [BACH_DANG], signer: `${unit}.signer` }, await makePdf(subject)),
    });
    expect(answer.status).toBe(202);
    const documentId = answer.body.documentId;
    await exchange.waitFor('the request at signing', async () => (await http(exchange.url('signing', `/sign-requests/${documentId}`), { token: exchange.token(`${unit}.signer`) })).status === 200, { timeoutMs: 30_000 });
    return documentId;
  }

  const approve = (documentId: string, code?: string, signer = 'hbt.signer') =>
    http<RequestView>(exchange.url('signing', `/sign-requests/${documentId}/approve`), { token: exchange.token(signer), json: code === undefined ? {} : { code } });

  const issued = (documentId: string, clerk = 'hbt.clerk') =>
    exchange.waitFor(`${documentId} issued`, async () => {
      const doc = await http<{ state: string; file: { sha256: string } | null; failure: unknown }>(exchange.url('intake', `/documents/${documentId}`), { token: exchange.token(clerk) });
      if (doc.body.failure !== null) throw new Error(`the document failed: ${JSON.stringify(doc.body.failure)}`);
      return doc.body.state === 'issued' ? doc.body : undefined;
    }, { timeoutMs: 60_000 });

  it('signs only with the signer\'s TOTP code, with keys that never leave the HSM; pdfsig, qpdf and openssl cms accept the output', async () => {
    const documentId = await submitAndWait('Quyết định ký số từ xa');
    const noCode = await approve(documentId);
    expect([noCode.status, noCode.body.message]).toEqual([403, 'approving needs the 6-digit code of your authenticator app (TOTP) in "code"']);
    expect((await approve(documentId, '123456')).status).toBe(409);

    await enrolAndConfirm('hbt.signer');

    const wrong = await approve(documentId, '000000');
    expect([wrong.status, wrong.body.message]).toEqual([403, 'wrong code: nothing was signed (1 of 5 wrong codes in a row; the 5th locks remote signing)']);
    const approved = await approve(documentId, codeAt('hbt.signer', 1));
    expect(approved.status).toBe(202);
    expect(approved.body.approval).toMatchObject({ approvedBy: 'hbt.signer', keyHolder: 'hsm', secondFactor: 'totp' });

    const doc = await issued(documentId);
    const pdf = (await http(exchange.url('intake', `/files/${doc.file!.sha256}`), { token: exchange.token('hbt.clerk') })).bytes;
    expect(await pdfsigValidity(pdf)).toEqual(['Signature is Valid.', 'Signature is Valid.']);
    await qpdfCheck(pdf);
    const root = readFileSync(join(exchange.dataFolder, 'pki', 'root-ca.cert.pem'), 'utf8');
    const signatures = extractSignatures(pdf);
    expect(signatures.map((signature) => signature.subFilter)).toEqual(['ETSI.CAdES.detached', 'ETSI.CAdES.detached', 'ETSI.RFC3161']);
    for (const signature of signatures.slice(0, 2)) expect(opensslVerify(pdf, signature, root).output).toContain('Verification successful');
    const issuingCa = readFileSync(join(exchange.dataFolder, 'pki', 'issuing-ca.cert.pem'), 'utf8');
    expect(await documentTimestampVerdicts(pdf, root, issuingCa)).toEqual(['Verification: OK']);
    const scrape = await fetch(exchange.url('signing', '/metrics'), { headers: { authorization: `Bearer ${exchange.token('admin')}` } }).then((r) => r.text());
    expect(scrape).toMatch(/edoc_second_factor_wrong_codes\{service="signing"\} 1\b/);
  });

  it('locks the signer after five wrong codes in a row: nothing is signed until an administrator of the unit resets the second factor', async () => {
    const documentId = await submitAndWait('Quyết định sau năm lần sai mã');
    for (let attempt = 1; attempt <= 4; attempt++) expect((await approve(documentId, '111111')).status).toBe(403);
    const fifth = await approve(documentId, '111111');
    expect([fifth.status, fifth.body.message]).toEqual([423, 'hbt.signer is locked out of remote signing after 5 wrong codes in a row; an administrator of the unit resets the second factor']);
    expect((await approve(documentId, codeAt('hbt.signer', 1))).status).toBe(423);
    const { rows } = await db.query<{ state: string }>(`SELECT state FROM signing.jobs WHERE document_id = $1`, [documentId]);
    expect(rows[0].state).toBe('awaiting_signature');

    expect((await http(exchange.url('signing', '/second-factor/hbt.signer'), { method: 'DELETE', token: exchange.token('bachdang.clerk') })).status).toBe(403);
    expect((await http(exchange.url('signing', '/second-factor/hbt.signer'), { method: 'DELETE', token: exchange.token('admin') })).status).toBe(200);
    await enrolAndConfirm('hbt.signer');
    const cli = await exchange.cli(['sign-requests', 'approve', documentId, '--code', codeAt('hbt.signer', 1), '--as', 'hbt.signer'], { EDOC_SIGNING_URL: exchange.url('signing') });
    expect(cli.stdout).toContain(`approved ${documentId}`);
    await issued(documentId);
  });

  it('keeps an approval, and a numbered document\'s seal, while the HSM does not answer, and signs both once it is back: nothing lost, nothing failed', async () => {
    // The office's chief (vp.signer), whose key is on the HSM too: the chairman's last code is spent.
    const approvedDoc = await submitAndWait('Quyết định khi HSM ngừng hoạt động', 'vp');
    // Phòng Nội vụ's signer signs with a key file; its seal is on the HSM.
    const sealedDoc = await submitAndWait('Công văn chờ con dấu trên HSM', 'nv');
    await enrolAndConfirm('vp.signer');
    // The HSM goes away before signing next opens it.
    renameSync(join(hsmDir, 'tokens'), join(hsmDir, 'tokens-away'));
    await restartSigning();
    expect((await approve(approvedDoc, codeAt('vp.signer', 1), 'vp.signer')).status).toBe(202);
    expect((await approve(sealedDoc, undefined, 'nv.signer')).status).toBe(202);
    const log = () => exchange.logOf('signing');
    await exchange.waitFor('signing to notice the HSM is away', () => log().includes(`document ${approvedDoc} approved by vp.signer waits for the HSM`) && log().includes(`document ${sealedDoc} (`), { timeoutMs: 30_000 });
    expect(log()).toMatch(new RegExp(`document ${sealedDoc} \\(\\d+/QĐ-NV\\) waits for the HSM holding the seal of ${NOI_VU.replace(/\./g, '\\.')}`));
    // Several retries later both still wait; nothing failed, nothing was dead-lettered.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const { rows } = await db.query<{ document_id: string; state: string }>(`SELECT document_id, state FROM signing.jobs WHERE document_id = ANY($1) ORDER BY state`, [[approvedDoc, sealedDoc]]);
    expect(rows).toEqual([{ document_id: approvedDoc, state: 'approved' }, { document_id: sealedDoc, state: 'person_signed' }]);
    expect((await http<{ state: string }>(exchange.url('intake', `/documents/${approvedDoc}`), { token: exchange.token('vp.clerk') })).body.state).toBe('awaiting_signature');
    expect((await http<{ state: string }>(exchange.url('intake', `/documents/${sealedDoc}`), { token: exchange.token('nv.clerk') })).body.state).toBe('numbered');

    renameSync(join(hsmDir, 'tokens-away'), join(hsmDir, 'tokens'));
    await issued(approvedDoc, 'vp.clerk');
    await issued(sealedDoc, 'nv.clerk');
    expect(log()).toContain(`signed ${approvedDoc}, approved by vp.signer while the HSM was away`);
    expect(log()).toContain(`sealed ${sealedDoc}, numbered while the HSM was away`);
    const queues = await exchange.management.listQueues(exchange.vhostName);
    expect(queues.filter((queue) => queue.name.startsWith('dlq.') && (queue.messages ?? 0) > 0).map((queue) => queue.name)).toEqual([]);
  });
});
