import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OnlineRevocation, loadSigningIdentity, parseCertificatePem } from '@edoc/pki';
import { type SignatureReport, addValidationData, onlineValidationData, signPdf, verifyPdf, verifyPdfOnline } from '@edoc/pdf-sign';
import { pdfLibDocument } from './helpers/inputs';
import { makeOpensslCa, opensslCrl, startOpensslOcsp, type OpensslCa } from './helpers/openssl-ca';
import { makeTestPki, type TestPki } from './helpers/pki-fixture';
import { freePort } from '../../../test/support/free-port';

/** What a CRL distribution point serves, and how often it was asked. */
class CrlPoint {
  body: Buffer | 'hang' | 404 = 404;
  requests = 0;
  private server!: Server;

  /** The distribution point's URL, once started. */
  url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/root.crl`;
  }

  async start(): Promise<string> {
    this.server = createServer((_request, response) => {
      this.requests++;
      if (this.body === 'hang') return; // never answers
      if (this.body === 404) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(this.body);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this.url();
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}


const signedBy = async (ca: OpensslCa) => signPdf(await pdfLibDocument({ pages: 1 }), { identity: loadSigningIdentity({ certificatePem: ca.signerCertificatePem, privateKeyPem: ca.signerKeyPem }), appearance: { kind: 'invisible' } });
const verdictOf = (s: SignatureReport) => ({ indication: s.indication, subIndication: s.subIndication });
const revocationDetail = (s: SignatureReport) => s.checks.find((check) => check.name === 'revocation')?.detail;

/**
 * A signer whose CA edoc did not make and whose CRL nobody gave us: the verifier reads where the
 * certificate says its CA publishes revocation data, fetches it (openssl made the CRL, and openssl's
 * own responder answers OCSP), caches it, and refuses to follow the pointers of an untrusted chain.
 */
describe('revocation data fetched from where a certificate points', () => {
  const point = new CrlPoint();
  let district: TestPki;
  let viaCrl: OpensslCa;
  let viaCrlPdf: Buffer;
  let trust: { anchorsPem: string[]; requireRevocation: true };
  const hourAgo = () => new Date(Date.now() - 3600_000);

  beforeAll(async () => {
    district = makeTestPki();
    viaCrl = makeOpensslCa({ crlUrl: await point.start() });
    viaCrlPdf = await signedBy(viaCrl);
    trust = { anchorsPem: [...district.anchorsPem, viaCrl.rootPem], requireRevocation: true };
  });
  afterAll(() => point.stop());
  beforeEach(() => {
    point.requests = 0;
  });

  test("the certificate's CRL distribution point is read from it", () => {
    expect(parseCertificatePem(viaCrl.signerCertificatePem).crlUrls).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/root\.crl$/)]);
  });

  test('offline, the status is unknown; online, the CRL is fetched once and then served from the cache', async () => {
    point.body = opensslCrl(viaCrl);
    expect(verdictOf(verifyPdf(viaCrlPdf, trust).signatures[0]!)).toEqual({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
    expect(point.requests).toBe(0);

    const online = new OnlineRevocation();
    const first = await verifyPdfOnline(viaCrlPdf, trust, online);
    expect(verdictOf(first.signatures[0]!)).toEqual({ indication: 'TOTAL_PASSED', subIndication: undefined });
    expect(revocationDetail(first.signatures[0]!)).toMatch(/^the signer certificate is not on the CRL of /);
    expect(first.onlineRevocation).toEqual([{ url: expect.stringContaining('/root.crl'), outcome: expect.stringMatching(/^CRL of .*, 0 revoked$/) }]);

    const again = await verifyPdfOnline(viaCrlPdf, trust, online);
    expect(verdictOf(again.signatures[0]!)).toEqual({ indication: 'TOTAL_PASSED', subIndication: undefined });
    expect(again.onlineRevocation).toBeUndefined();
    expect(point.requests).toBe(1);
  });

  test('what was fetched, embedded in the file (B-LT), lets it validate with the distribution point gone', async () => {
    point.body = opensslCrl(viaCrl);
    const data = await onlineValidationData(viaCrlPdf, trust, new OnlineRevocation());
    expect({ certificates: data.certificates.length, crls: data.crls.length, ocspResponses: data.ocspResponses.length }).toEqual({ certificates: 1, crls: 1, ocspResponses: 0 });
    expect(data.certificates[0]!.equals(parseCertificatePem(viaCrl.rootPem).der)).toBe(true);
    const withData = addValidationData(viaCrlPdf, data);
    point.body = 404; // the network, as far as this CA goes, is cut off
    const offline = verifyPdf(withData, trust);
    expect(verdictOf(offline.signatures[0]!)).toEqual({ indication: 'TOTAL_PASSED', subIndication: undefined });
    expect(revocationDetail(offline.signatures[0]!)).toMatch(/^the signer certificate is not on the CRL of /);
    expect(point.requests).toBe(1);
  });

  test('a signer revoked before the signature fails on the fetched CRL, with the reason', async () => {
    point.body = opensslCrl(viaCrl, hourAgo());
    const report = await verifyPdfOnline(viaCrlPdf, trust, new OnlineRevocation());
    expect(verdictOf(report.signatures[0]!)).toEqual({ indication: 'TOTAL_FAILED', subIndication: 'REVOKED' });
    expect(revocationDetail(report.signatures[0]!)).toContain('(keyCompromise)');
    expect(report.onlineRevocation?.[0]?.outcome).toMatch(/, 1 revoked$/);
  });

  test.each([
    ['answers 404', 404 as const, /^failed: HTTP 404$/],
    ['never answers', 'hang' as const, /^failed: no answer in 300 ms$/],
    ['sends more than a CRL may be', Buffer.alloc(64 * 1024, 0x30), /^failed: more than the 4096 bytes allowed$/],
    ['sends something that is not a CRL', Buffer.from('<html>maintenance</html>'), /^failed: not a valid CRL/],
  ])('a distribution point that %s leaves the status unknown, says why, and is not asked again at once', async (_what, body, outcome) => {
    point.body = body;
    const online = new OnlineRevocation({ timeoutMs: 300, maxCrlBytes: 4096 });
    const report = await verifyPdfOnline(viaCrlPdf, trust, online);
    expect(verdictOf(report.signatures[0]!)).toEqual({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
    expect(report.onlineRevocation).toEqual([{ url: expect.stringContaining('/root.crl'), outcome: expect.stringMatching(outcome) }]);
    await verifyPdfOnline(viaCrlPdf, trust, online);
    expect(point.requests).toBe(1);
  });

  test('an LDAP distribution point is reported, not followed; of many, three are tried', async () => {
    const ldap = makeOpensslCa({ crlUrl: 'ldap://directory.example/cn=CRL' });
    const cert = (ca: OpensslCa) => parseCertificatePem(ca.signerCertificatePem);
    const root = (ca: OpensslCa) => parseCertificatePem(ca.rootPem);
    expect(await new OnlineRevocation().lookup(cert(ldap), root(ldap))).toEqual([{ url: 'ldap://directory.example/cn=CRL', outcome: 'failed: ldap is not fetched (only http and https)' }]);

    point.body = 404;
    const base = point.url().replace(/\/root\.crl$/, '');
    const many = makeOpensslCa({ crlUrl: [1, 2, 3, 4, 5].map((n) => `${base}/crl-${n}.crl`).join(',URI:') });
    expect(cert(many).crlUrls).toHaveLength(5);
    const tried = await new OnlineRevocation().lookup(cert(many), root(many));
    expect(tried.map((fetch) => fetch.url)).toEqual([1, 2, 3].map((n) => `${base}/crl-${n}.crl`));
    expect(point.requests).toBe(3);
  });

  test('the pointers of a certificate that does not chain to a trusted root are not followed', async () => {
    point.body = opensslCrl(viaCrl);
    const report = await verifyPdfOnline(viaCrlPdf, { anchorsPem: district.anchorsPem, requireRevocation: true }, new OnlineRevocation());
    expect(verdictOf(report.signatures[0]!)).toEqual({ indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' });
    expect(report.onlineRevocation).toBeUndefined();
    expect(point.requests).toBe(0);
  });

  describe("a certificate that names only an OCSP responder (openssl's)", () => {
    let viaOcsp: OpensslCa;
    let viaOcspPdf: Buffer;
    let port: number;
    let ocspTrust: { anchorsPem: string[]; requireRevocation: true };

    beforeAll(async () => {
      port = await freePort();
      viaOcsp = makeOpensslCa({ ocspUrl: `http://127.0.0.1:${port}/` });
      viaOcspPdf = await signedBy(viaOcsp);
      ocspTrust = { anchorsPem: [...district.anchorsPem, viaOcsp.rootPem], requireRevocation: true };
    });

    test.each([
      ['good', undefined, { indication: 'TOTAL_PASSED', subIndication: undefined }],
      ['revoked an hour ago', hourAgo, { indication: 'TOTAL_FAILED', subIndication: 'REVOKED' }],
    ])('is asked when the signer is %s, and its answer decides', async (_what, revokedAt, expected) => {
      const responder = await startOpensslOcsp(viaOcsp, port, revokedAt?.());
      try {
        const report = await verifyPdfOnline(viaOcspPdf, ocspTrust, new OnlineRevocation());
        expect(verdictOf(report.signatures[0]!)).toEqual(expected);
        expect(report.onlineRevocation).toEqual([{ url: `http://127.0.0.1:${port}/`, outcome: 'OCSP answer' }]);
      } finally {
        responder.stop();
      }
    });

    test("its answer, embedded in the file, lets it validate with the responder stopped", async () => {
      const responder = await startOpensslOcsp(viaOcsp, port);
      let data;
      try {
        data = await onlineValidationData(viaOcspPdf, ocspTrust, new OnlineRevocation());
      } finally {
        responder.stop();
      }
      expect({ crls: data.crls.length, ocspResponses: data.ocspResponses.length }).toEqual({ crls: 0, ocspResponses: 1 });
      const offline = verifyPdf(addValidationData(viaOcspPdf, data), ocspTrust);
      expect(verdictOf(offline.signatures[0]!)).toEqual({ indication: 'TOTAL_PASSED', subIndication: undefined });
      expect(revocationDetail(offline.signatures[0]!)).toMatch(/^the signer certificate was good by the OCSP answer of /);
    });
  });
});
