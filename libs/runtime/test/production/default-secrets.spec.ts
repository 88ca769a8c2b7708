import { demoSecretProblems } from '../../src/production/default-secrets';

const fit = { databaseUrl: 'postgres://edoc_intake:Vq3-long-random@db.hbt.internal:5432/edoc', broker: { username: 'edoc-intake', password: 'x8f2c1e9b7a64d3' }, s3: { accessKey: 'edoc-files', secretKey: 's3cr3t-of-its-own-32chars' } };

describe('demo secrets and default passwords in production', () => {
  it('finds nothing wrong with accounts of their own', () => {
    expect(demoSecretProblems(fit)).toEqual([]);
    expect(demoSecretProblems({ ...fit, pki: { dir: '/etc/edoc/pki', rootCommonName: 'UBND quận Hai Bà Trưng - Root CA' } })).toEqual([]);
  });

  it('accepts a database over a Unix socket without a password (peer authentication)', () => {
    expect(demoSecretProblems({ ...fit, databaseUrl: 'postgres:///edoc?host=/var/run/postgresql' })).toEqual([]);
  });

  it('refuses a database without a password, or with a default account, without printing the password', () => {
    expect(demoSecretProblems({ ...fit, databaseUrl: 'postgres://postgres@127.0.0.1:5432/edoc' })).toEqual(['EDOC_DATABASE_URL connects as postgres without a password: give the service a database user with a password of its own']);
    const [problem] = demoSecretProblems({ ...fit, databaseUrl: 'postgres://edoc:edoc@postgres:5432/edoc' });
    expect(problem).toBe('EDOC_DATABASE_URL uses a default account (edoc, with its well-known password): give the service a database user with a password of its own');
    expect(demoSecretProblems({ ...fit, databaseUrl: 'not a url' })).toEqual(['EDOC_DATABASE_URL is not a URL (postgres://user:password@host:5432/edoc)']);
  });

  it("refuses the broker's guest and default accounts, and MinIO's or our compose file's object store keys", () => {
    expect(demoSecretProblems({ ...fit, broker: { username: 'guest', password: 'changed' } })[0]).toMatch(/^the broker user guest has a default password: set EDOC_BROKER_USER/);
    expect(demoSecretProblems({ ...fit, broker: { username: 'edoc', password: 'edoc' } })).toHaveLength(1);
    expect(demoSecretProblems({ ...fit, s3: { accessKey: 'minioadmin', secretKey: 'minioadmin' } })[0]).toMatch(/^EDOC_S3_ACCESS_KEY and EDOC_S3_SECRET_KEY are a default account \(minioadmin\)/);
    expect(demoSecretProblems({ ...fit, s3: { accessKey: 'edoc', secretKey: 'edoc-minio-secret' } })).toHaveLength(1);
  });

  it('refuses the demo PKI, and a root CA key where services read', () => {
    const problems = demoSecretProblems({ ...fit, pki: { dir: '/var/edoc/pki', rootCommonName: 'UBND quận Hai Bà Trưng - Root CA (demo)', rootKeyFile: '/var/edoc/pki/root-ca.key.pem' } });
    expect(problems).toEqual([
      'the PKI in /var/edoc/pki is the demo PKI ("UBND quận Hai Bà Trưng - Root CA (demo)"): set EDOC_PKI_DIR to the district\'s own keys and certificates',
      '/var/edoc/pki/root-ca.key.pem is the root CA\'s private key, where services read: keep it offline (it only signs the issuing CA) and leave the certificate',
    ]);
  });

  it('refuses private keys in the PKI folder every service reads, naming a few and counting the rest', () => {
    const sharedKeyFiles = ['/var/edoc/pki/archive.key.pem', '/var/edoc/pki/orgs/A.key.pem', '/var/edoc/pki/orgs/B.key.pem', '/var/edoc/pki/tsa.key.pem'];
    const problems = demoSecretProblems({ ...fit, pki: { dir: '/var/edoc/pki', rootCommonName: 'UBND quận Hai Bà Trưng - Root CA', sharedKeyFiles } });
    expect(problems).toEqual([
      expect.stringMatching(/^4 private keys in \/var\/edoc\/pki, the folder every service reads \(\/var\/edoc\/pki\/archive\.key\.pem, \/var\/edoc\/pki\/orgs\/A\.key\.pem, \/var\/edoc\/pki\/orgs\/B\.key\.pem and 1 more\): .*edoc pki deploy/),
    ]);
    expect(demoSecretProblems({ ...fit, pki: { dir: '/var/edoc/pki', rootCommonName: 'UBND quận Hai Bà Trưng - Root CA' } })).toEqual([]);
  });
});
