import { createHash } from 'node:crypto';
import { LocalTimestampAuthority, createIssuingCa, createRootCa, issuePersonCertificate, issueTimestampingCertificate, loadSigningIdentity, parseTimeStampResponse, verifyTimestampToken } from '@edoc/pki';
import { inDir, openssl, opensslBinary } from './helpers/openssl';

describe('the local time-stamping authority (RFC 3161)', () => {
  const root = createRootCa({ commonName: 'Root', keyAlgorithm: 'ec-p256' });
  const ca = createIssuingCa(root, { commonName: 'Issuing', keyAlgorithm: 'ec-p256' });
  const cred = issueTimestampingCertificate(ca, { commonName: 'TSA quận', keyAlgorithm: 'rsa-2048' });
  const tsa = new LocalTimestampAuthority(loadSigningIdentity({ certificatePem: cred.certificatePem, privateKeyPem: cred.privateKeyPem, chainPem: [ca.certificatePem] }));
  const data = Buffer.from('the signature value to stamp');

  test('answers an openssl ts query with a reply that openssl ts verifies', () => {
    inDir({ 'data.bin': data, 'root.pem': root.certificatePem, 'ca.pem': ca.certificatePem }, (f) => {
      const query = opensslBinary(['ts', '-query', '-data', f('data.bin'), '-sha256', '-cert']);
      const reply = tsa.respond(query);
      expect(parseTimeStampResponse(reply).status).toBe(0);
      const r = inDir({ 'reply.tsr': reply, 'query.tsq': query }, (g) => openssl(['ts', '-verify', '-in', g('reply.tsr'), '-queryfile', g('query.tsq'), '-CAfile', f('root.pem'), '-untrusted', f('ca.pem')]));
      expect(r.output).toContain('Verification: OK');
      const text = inDir({ 'reply.tsr': reply }, (g) => openssl(['ts', '-reply', '-in', g('reply.tsr'), '-text']));
      expect(text.output).toContain('Status: Granted.');
      expect(text.output).toMatch(/Nonce: 0x[0-9A-F]+/);
    });
  });

  test('timestamp() returns a token over the imprint that verifies', async () => {
    const imprint = createHash('sha256').update(data).digest();
    const token = await tsa.timestamp(imprint, 'sha256');
    const check = verifyTimestampToken(token, { hash: 'sha256', digest: imprint });
    expect(check.problems).toEqual([]);
    expect(Math.abs((check.tstInfo?.genTime.getTime() ?? 0) - Date.now())).toBeLessThan(10_000);
    expect(verifyTimestampToken(token, { hash: 'sha256', digest: Buffer.alloc(32) }).problems).toContain('the token stamps a different digest (message imprint mismatch)');
    expect(tsa.estimatedTokenSize()).toBeGreaterThanOrEqual(token.length);
  });

  test('bad requests get a rejection with the reason, not an exception', () => {
    const garbage = parseTimeStampResponse(tsa.respond(Buffer.from('not DER')));
    expect(garbage).toMatchObject({ status: 2, failInfo: ['badDataFormat'] });
    const sha1 = inDir({ 'data.bin': data }, (f) => opensslBinary(['ts', '-query', '-data', f('data.bin'), '-sha1']));
    expect(parseTimeStampResponse(tsa.respond(sha1))).toMatchObject({ status: 2, failInfo: ['badAlg'] });
    const policy = inDir({ 'data.bin': data }, (f) => opensslBinary(['ts', '-query', '-data', f('data.bin'), '-sha256', '-tspolicy', '1.2.3.4']));
    expect(parseTimeStampResponse(tsa.respond(policy))).toMatchObject({ status: 2, failInfo: ['unacceptedPolicy'] });
  });

  test('a certificate without the timeStamping usage cannot run a TSA', () => {
    const person = issuePersonCertificate(ca, { orgCode: '000.00.12.H26', orgName: 'X', fullName: 'Y', position: 'Z', keyAlgorithm: 'ec-p256' });
    expect(() => new LocalTimestampAuthority(loadSigningIdentity({ certificatePem: person.certificatePem, privateKeyPem: person.privateKeyPem }))).toThrow(/lacks the timeStamping extended key usage/);
  });
});
