import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  buildOcspRequest,
  certIdOf,
  checkOcspResponse,
  createIssuingCa,
  createRootCa,
  fetchOcsp,
  issueOcspSigningCertificate,
  issueOrganisationCertificate,
  loadSigningIdentity,
  OcspResponder,
  parseCertificatePem,
  parseOcspResponse,
  type IssuedCredential,
  type RevokedEntry,
} from '@edoc/pki';
import { freePort } from '../../../test/support/free-port';

const run = promisify(execFile);
const REVOKED_AT = new Date('2026-11-20T03:00:00Z');

/**
 * OCSP both ways against an independent implementation: openssl's client asks edoc's responder,
 * and edoc's client asks openssl's responder (`openssl ocsp -index`).
 */
describe('OCSP', () => {
  const root = createRootCa({ commonName: 'OCSP test root', keyAlgorithm: 'ec-p256' });
  const issuing = createIssuingCa(root, { commonName: 'OCSP test issuing CA', keyAlgorithm: 'ec-p256' });
  const good = issueOrganisationCertificate(issuing, { orgCode: '000.00.13.H26', orgName: 'UBND quận Hai Bà Trưng', keyAlgorithm: 'ec-p256' });
  const revoked = issueOrganisationCertificate(issuing, { orgCode: '000.31.13.H26', orgName: 'UBND phường Bạch Đằng', keyAlgorithm: 'rsa-2048' });
  const responderCred = issueOcspSigningCertificate(issuing, { commonName: 'OCSP responder (test)', keyAlgorithm: 'ec-p256' });
  const cert = (c: IssuedCredential) => parseCertificatePem(c.certificatePem);
  const issuer = cert(issuing);
  const register: RevokedEntry[] = [{ serialHex: cert(revoked).serialHex, revokedAt: REVOKED_AT, reason: 'keyCompromise' }];
  const responder = new OcspResponder({ issuer, signer: loadSigningIdentity({ certificatePem: responderCred.certificatePem, privateKeyPem: responderCred.privateKeyPem }), revoked: () => register });
  let dir: string;
  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'edoc-ocsp-'));
    for (const [name, c] of Object.entries({ root, issuing, good, revoked, responder: responderCred })) {
      writeFileSync(file(`${name}.pem`), c.certificatePem);
      writeFileSync(file(`${name}.key`), c.privateKeyPem);
    }
    writeFileSync(file('chain.pem'), `${root.certificatePem}${issuing.certificatePem}`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe("edoc's responder, asked by openssl", () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(responder.respond(Buffer.concat(chunks))));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ocsp`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const ask = async (name: string) => {
      const { stdout, stderr } = await run('openssl', ['ocsp', '-issuer', file('issuing.pem'), '-cert', file(`${name}.pem`), '-url', url, '-CAfile', file('chain.pem')]);
      return `${stdout}${stderr}`;
    };

    it('says good for a certificate in force, signed by its delegated responder, with the nonce echoed', async () => {
      const output = await ask('good');
      expect(output).toContain('Response verify OK');
      expect(output).toContain(`${file('good.pem')}: good`);
      expect(output).not.toContain('WARNING');
    });

    it('says revoked, when and why, for a certificate in the register', async () => {
      const output = await ask('revoked');
      expect(output).toContain('Response verify OK');
      expect(output).toContain(`${file('revoked.pem')}: revoked`);
      expect(output).toContain('Reason: keyCompromise');
      expect(output).toContain('Revocation Time: Nov 20 03:00:00 2026 GMT');
    });

    it('answers malformedRequest to bytes that are not a request, and unknown for another CA\'s certificate', async () => {
      expect(parseOcspResponse(responder.respond(Buffer.from('not an OCSP request'))).status).toBe('malformedRequest');
      const stranger = createIssuingCa(root, { commonName: 'Another CA', keyAlgorithm: 'ec-p256' });
      const foreign = issueOrganisationCertificate(stranger, { orgCode: '000.00.99.H99', orgName: 'x', keyAlgorithm: 'ec-p256' });
      const der = responder.respond(buildOcspRequest([certIdOf(cert(foreign), cert(stranger))]));
      expect(parseOcspResponse(der).basic?.responses[0]?.status).toEqual({ kind: 'unknown' });
    });
  });

  describe("edoc's client, asking openssl's responder", () => {
    let child: ChildProcess;
    let url: string;
    let output = '';
    beforeAll(async () => {
      const expiry = '351231235959Z';
      // openssl matches by serial; the name is only shown.
      const dn = (c: IssuedCredential) => `/CN=${cert(c).serialHex}`;
      writeFileSync(file('index.txt'), `V\t${expiry}\t\t${cert(good).serialHex.toUpperCase()}\tunknown\t${dn(good)}\nR\t${expiry}\t261120030000Z,keyCompromise\t${cert(revoked).serialHex.toUpperCase()}\tunknown\t${dn(revoked)}\n`);
      const port = await freePort();
      url = `http://127.0.0.1:${port}/`;
      child = spawn('openssl', ['ocsp', '-index', file('index.txt'), '-port', String(port), '-rsigner', file('responder.pem'), '-rkey', file('responder.key'), '-CA', file('issuing.pem'), '-nmin', '30'], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      const deadline = Date.now() + 10_000;
      // Its own word that it listens: a probe connection would hold its single-threaded loop.
      while (!output.includes('waiting for OCSP client connections')) {
        if (child.exitCode !== null) throw new Error(`openssl ocsp exited with ${child.exitCode}: ${output}`);
        if (Date.now() > deadline) throw new Error(`openssl ocsp did not listen on ${port}: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    afterAll(() => child?.kill());

    it('reads good, from a delegated responder it checks against the issuer, nonce matched', async () => {
      const { answer, der } = await fetchOcsp(url, cert(good), issuer);
      expect(answer.status).toEqual({ kind: 'good' });
      expect(answer.responder.serialHex).toBe(cert(responderCred).serialHex);
      expect(answer.nonceMatched).toBe(true);
      expect(answer.nextUpdate!.getTime() - answer.thisUpdate.getTime()).toBe(30 * 60_000);
      expect(der.length).toBeGreaterThan(100);
    });

    it('reads revoked, with the time and the reason', async () => {
      const { answer } = await fetchOcsp(url, cert(revoked), issuer);
      expect(answer.status).toEqual({ kind: 'revoked', revokedAt: REVOKED_AT, reason: 'keyCompromise' });
    });

    it('gives up on a responder that is not there', async () => {
      await expect(fetchOcsp(`http://127.0.0.1:${await freePort()}/`, cert(good), issuer, { timeoutMs: 2000 })).rejects.toThrow(/ECONNREFUSED/);
    });
  });

  describe('what the client refuses to believe', () => {
    const nonce = Buffer.alloc(16, 7);
    const answerFor = (c: IssuedCredential, n: Buffer | undefined = nonce) => responder.respond(buildOcspRequest([certIdOf(cert(c), issuer)], n));

    it('believes a fresh, signed answer about the certificate asked for', () => {
      expect(checkOcspResponse(answerFor(good), { cert: cert(good), issuer, nonce }).status).toEqual({ kind: 'good' });
    });

    it('refuses an answer to another request, about another certificate, changed, stale, or from an unauthorised responder', () => {
      expect(() => checkOcspResponse(answerFor(good, Buffer.alloc(16, 8)), { cert: cert(good), issuer, nonce })).toThrow('it answers another request (the nonce differs)');
      expect(() => checkOcspResponse(answerFor(revoked), { cert: cert(good), issuer, nonce })).toThrow(`it says nothing about certificate ${cert(good).serialHex}`);
      const changed = Buffer.from(answerFor(good));
      changed[changed.length - 5] ^= 0x01;
      expect(() => checkOcspResponse(changed, { cert: cert(good), issuer, nonce })).toThrow(/signature does not verify|OCSP response/);
      expect(() => checkOcspResponse(answerFor(good), { cert: cert(good), issuer, nonce, now: new Date(Date.now() + 3 * 3600_000) })).toThrow(/it is stale: nextUpdate/);
      // An organisation's certificate from the same CA may sign documents, not OCSP answers.
      const impostor = new OcspResponder({ issuer, signer: loadSigningIdentity({ certificatePem: good.certificatePem, privateKeyPem: good.privateKeyPem }), revoked: () => [] });
      expect(() => checkOcspResponse(impostor.respond(buildOcspRequest([certIdOf(cert(revoked), issuer)], nonce)), { cert: cert(revoked), issuer, nonce })).toThrow(/not authorised to sign OCSP responses/);
    });

    it('answers about several certificates in one signed answer, each with its own status', () => {
      const answer = responder.answerFor([cert(good), cert(revoked)]);
      expect(parseOcspResponse(answer).basic?.responses).toHaveLength(2);
      expect(checkOcspResponse(answer, { cert: cert(good), issuer }).status).toEqual({ kind: 'good' });
      expect(checkOcspResponse(answer, { cert: cert(revoked), issuer }).status).toEqual({ kind: 'revoked', revokedAt: REVOKED_AT, reason: 'keyCompromise' });
      expect(() => responder.answerFor([])).toThrow('an OCSP answer needs at least one certificate');
    });

    it('takes the issuer itself as a responder', () => {
      const byCa = new OcspResponder({ issuer, signer: loadSigningIdentity({ certificatePem: issuing.certificatePem, privateKeyPem: issuing.privateKeyPem }), revoked: () => register });
      const answer = checkOcspResponse(byCa.respond(buildOcspRequest([certIdOf(cert(revoked), issuer)], nonce)), { cert: cert(revoked), issuer, nonce });
      expect(answer.status.kind).toBe('revoked');
      expect(answer.responder.der.equals(issuer.der)).toBe(true);
    });
  });
});

