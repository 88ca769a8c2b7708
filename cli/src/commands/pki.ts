import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  KEY_ALGORITHMS,
  type KeyAlgorithm,
  REVOCATION_REASONS,
  createIssuingCa,
  createRootCa,
  describeSubject,
  issueOrganisationCertificate,
  issuePersonCertificate,
  issueTimestampingCertificate,
  issueOcspSigningCertificate,
  parseCertificatePem,
} from '@edoc/pki';
import { loadConfig } from '@edoc/config';
import { deployPki } from '../provision/deploy-pki';
import { writePublicFile } from '../provision/files';
import { printResult } from './output';
import { PkiDirectory, publishCrl } from '../provision/pki-directory';

const keyOption = () => new Option('--key-algorithm <alg>', 'key algorithm').choices([...KEY_ALGORITHMS]);
const dirOption = () => new Option('--dir <dir>', 'PKI directory (root-ca.*, issuing-ca.*, orgs/, people/)').makeOptionMandatory();
const DAY_MS = 24 * 3600 * 1000;

/** `edoc pki`: a district root CA, its issuing CA, organisation/person/TSA certificates, revocation and CRLs. */
export function buildPkiCommand(): Command {
  const pki = new Command('pki').description('run the district PKI: CAs, certificates, revocation, CRL');

  pki
    .command('init')
    .description('create the root CA, the issuing CA and an empty CRL')
    .addOption(dirOption())
    .requiredOption('--name <name>', 'the district, e.g. "UBND quận Hai Bà Trưng"')
    .addOption(keyOption())
    .option('--crl-url <url>', 'where relying parties fetch the CRL')
    .option('--json', 'print JSON')
    .action((o: { dir: string; name: string; keyAlgorithm?: KeyAlgorithm; crlUrl?: string; json?: boolean }) => {
      const dir = new PkiDirectory(o.dir);
      if (dir.has('root-ca')) throw new Error(`${dir.path('root-ca', 'cert.pem')} already exists; this directory already holds a PKI`);
      const root = createRootCa({ commonName: `${o.name} - Root CA`, organisation: o.name, keyAlgorithm: o.keyAlgorithm });
      const issuing = createIssuingCa(root, { commonName: `${o.name} - Issuing CA`, organisation: o.name, keyAlgorithm: o.keyAlgorithm, crlUrl: o.crlUrl });
      dir.write('root-ca', root);
      dir.write('issuing-ca', issuing);
      const crl = publishCrl(dir, 7);
      printResult(o.json, { root: dir.path('root-ca', 'cert.pem'), issuing: dir.path('issuing-ca', 'cert.pem'), crl }, () => [
        `root CA      ${dir.path('root-ca', 'cert.pem')}`,
        `issuing CA   ${dir.path('issuing-ca', 'cert.pem')}`,
        `CRL          ${crl}`,
      ]);
    });

  pki
    .command('root')
    .description('create only the root CA')
    .addOption(dirOption())
    .requiredOption('--cn <name>', 'common name')
    .option('--org <name>', 'organisation')
    .addOption(keyOption())
    .option('--years <n>', 'validity in years', parsePositive, 20)
    .action((o: { dir: string; cn: string; org?: string; keyAlgorithm?: KeyAlgorithm; years: number }) => {
      const dir = new PkiDirectory(o.dir);
      console.log(`root CA ${dir.write('root-ca', createRootCa({ commonName: o.cn, organisation: o.org, keyAlgorithm: o.keyAlgorithm, validYears: o.years })).cert}`);
    });

  pki
    .command('issuing-ca')
    .description('create the issuing CA under the root CA of the directory')
    .addOption(dirOption())
    .requiredOption('--cn <name>', 'common name')
    .option('--org <name>', 'organisation')
    .addOption(keyOption())
    .option('--years <n>', 'validity in years', parsePositive, 10)
    .option('--crl-url <url>', 'where relying parties fetch the root CA CRL')
    .action((o: { dir: string; cn: string; org?: string; keyAlgorithm?: KeyAlgorithm; years: number; crlUrl?: string }) => {
      const dir = new PkiDirectory(o.dir);
      const issuing = createIssuingCa(dir.read('root-ca', 'root CA'), { commonName: o.cn, organisation: o.org, keyAlgorithm: o.keyAlgorithm, validYears: o.years, crlUrl: o.crlUrl });
      console.log(`issuing CA ${dir.write('issuing-ca', issuing).cert}`);
      publishCrl(dir, 7);
    });

  const issue = pki.command('issue').description('issue a certificate from the issuing CA');
  const issued = (o: { dir: string; json?: boolean }, base: string, pem: { certificatePem: string; privateKeyPem: string }) => {
    const dir = new PkiDirectory(o.dir);
    const files = dir.write(base, pem);
    const cert = parseCertificatePem(pem.certificatePem);
    printResult(o.json, { ...files, serialHex: cert.serialHex, subject: describeSubject(cert), notAfter: cert.notAfter.toISOString() }, () => [
      `serial   ${cert.serialHex}`,
      `subject  ${describeSubject(cert)}`,
      `valid    ${cert.notBefore.toISOString()} – ${cert.notAfter.toISOString()}`,
      `cert     ${files.cert}`,
      `key      ${files.key} (owner-only)`,
    ]);
  };
  const endEntity = (cmd: Command) =>
    cmd
      .addOption(dirOption())
      .addOption(keyOption())
      .option('--days <n>', 'validity in days (default 3 years, within the CA)', parsePositive)
      .option('--crl-url <url>', 'CRL distribution point to write into the certificate')
      .option('--ocsp-url <url>', "the issuing CA's OCSP responder to write into the certificate (authority information access), e.g. https://edoc.example.gov.vn:3001/pki/ocsp")
      .option('--out <base>', 'file name base inside the directory')
      .option('--json', 'print JSON');
  const validity = (o: { days?: number }) => (o.days ? { notAfter: new Date(Date.now() + o.days * DAY_MS) } : {});

  endEntity(issue.command('organisation').description("an organisation's certificate (its code in organizationIdentifier)"))
    .requiredOption('--org-code <code>', 'mã định danh, e.g. 000.00.12.H26')
    .requiredOption('--org-name <name>', 'name of the organisation')
    .action((o: { dir: string; orgCode: string; orgName: string; keyAlgorithm?: KeyAlgorithm; days?: number; crlUrl?: string; ocspUrl?: string; out?: string; json?: boolean }) => {
      const ca = new PkiDirectory(o.dir).read('issuing-ca', 'issuing CA');
      issued(o, o.out ?? `orgs/${o.orgCode}`, issueOrganisationCertificate(ca, { orgCode: o.orgCode, orgName: o.orgName, keyAlgorithm: o.keyAlgorithm, crlUrl: o.crlUrl, ocspUrl: o.ocspUrl, ...validity(o) }));
    });

  endEntity(issue.command('person').description("a signer's certificate (position in the title attribute)"))
    .requiredOption('--org-code <code>', 'mã định danh of the organisation')
    .requiredOption('--org-name <name>', 'name of the organisation')
    .requiredOption('--name <full-name>', 'full name')
    .requiredOption('--position <position>', 'position, e.g. "Phó Chủ tịch"')
    .action((o: { dir: string; orgCode: string; orgName: string; name: string; position: string; keyAlgorithm?: KeyAlgorithm; days?: number; crlUrl?: string; ocspUrl?: string; out?: string; json?: boolean }) => {
      const ca = new PkiDirectory(o.dir).read('issuing-ca', 'issuing CA');
      const cred = issuePersonCertificate(ca, { orgCode: o.orgCode, orgName: o.orgName, fullName: o.name, position: o.position, keyAlgorithm: o.keyAlgorithm, crlUrl: o.crlUrl, ocspUrl: o.ocspUrl, ...validity(o) });
      issued(o, o.out ?? `people/${o.orgCode}-${parseCertificatePem(cred.certificatePem).serialHex.slice(0, 8)}`, cred);
    });

  endEntity(issue.command('tsa').description('the time-stamping authority certificate (critical timeStamping usage)'))
    .requiredOption('--cn <name>', 'common name')
    .option('--org-name <name>', 'organisation')
    .action((o: { dir: string; cn: string; orgName?: string; keyAlgorithm?: KeyAlgorithm; days?: number; crlUrl?: string; ocspUrl?: string; out?: string; json?: boolean }) => {
      const ca = new PkiDirectory(o.dir).read('issuing-ca', 'issuing CA');
      issued(o, o.out ?? 'tsa', issueTimestampingCertificate(ca, { commonName: o.cn, orgName: o.orgName, keyAlgorithm: o.keyAlgorithm, crlUrl: o.crlUrl, ocspUrl: o.ocspUrl, ...validity(o) }));
    });

  endEntity(issue.command('ocsp').description("the issuing CA's delegated OCSP responder (id-kp-OCSPSigning, ocsp-nocheck; keep it short-lived, e.g. --days 90); the signing service answers with it"))
    .requiredOption('--cn <name>', 'common name')
    .option('--org-name <name>', 'organisation')
    .action((o: { dir: string; cn: string; orgName?: string; keyAlgorithm?: KeyAlgorithm; days?: number; out?: string; json?: boolean }) => {
      const ca = new PkiDirectory(o.dir).read('issuing-ca', 'issuing CA');
      issued(o, o.out ?? 'ocsp', issueOcspSigningCertificate(ca, { commonName: o.cn, orgName: o.orgName, keyAlgorithm: o.keyAlgorithm, ...validity(o) }));
    });

  pki
    .command('revoke')
    .description('revoke a certificate of the issuing CA and publish a new CRL')
    .addOption(dirOption())
    .option('--serial <hex>', 'serial number')
    .option('--cert <file>', 'the certificate (PEM) instead of its serial')
    .addOption(new Option('--reason <reason>', 'CRL reason').choices(Object.keys(REVOCATION_REASONS)))
    .option('--at <iso-time>', 'revocation time (default now)')
    .action((o: { dir: string; serial?: string; cert?: string; reason?: string; at?: string }) => {
      const dir = new PkiDirectory(o.dir);
      if (!o.serial === !o.cert) throw new Error('give exactly one of --serial or --cert');
      const serialHex = (o.serial ?? parseCertificatePem(readFileSync(o.cert as string, 'utf8')).serialHex).toLowerCase().replace(/^0+(?=.)/, '').replace(/:/g, '');
      if (!/^[0-9a-f]+$/.test(serialHex)) throw new Error(`serial "${o.serial}" is not hexadecimal`);
      const revokedAt = o.at ? parseTime(o.at, '--at') : new Date();
      const register = dir.readRegister();
      if (register.revoked.some((r) => r.serialHex === serialHex)) throw new Error(`serial ${serialHex} is already revoked`);
      register.revoked.push({ serialHex, revokedAt, reason: o.reason });
      dir.writeRegister(register);
      console.log(`revoked ${serialHex}; CRL ${publishCrl(dir, 7)}`);
    });

  pki
    .command('crl')
    .description('publish a fresh CRL of the issuing CA')
    .addOption(dirOption())
    .option('--days <n>', 'days until nextUpdate', parsePositive, 7)
    .option('--out <file>', 'also write the CRL here')
    .action((o: { dir: string; days: number; out?: string }) => {
      const dir = new PkiDirectory(o.dir);
      const file = publishCrl(dir, o.days);
      if (o.out) writePublicFile(o.out, readFileSync(file, 'utf8'));
      console.log(`CRL ${o.out ?? file}`);
    });

  pki
    .command('deploy')
    .description("put the district's PKI into edoc's data folder: certificates where every service reads them, each private key only in the secrets folder of the services that use it (never the root CA's key)")
    .addOption(dirOption())
    .option('--data-dir <dir>', "edoc's data folder (EDOC_DATA_DIR)")
    .option('--json', 'print JSON')
    .action((o: { dir: string; dataDir?: string; json?: boolean }) => {
      const deployed = deployPki(o.dir, o.dataDir ?? loadConfig().dataDir);
      printResult(o.json, deployed, () => [
        `${deployed.certificates} certificates`,
        ...deployed.keys.map((key) => `key ${key.base} → ${key.holders.join(', ')}`),
        ...deployed.leftBehind.map((file) => `not copied (no service uses it; keep it offline): ${file}`),
      ]);
    });

  return withExitOverride(pki);
}

// Subcommands made with .command() do not inherit an exitOverride set later by the caller.
function withExitOverride(cmd: Command): Command {
  cmd.exitOverride();
  for (const sub of cmd.commands) withExitOverride(sub);
  return cmd;
}

function parsePositive(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function parseTime(v: string, what: string): Date {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new Error(`${what}: "${v}" is not an ISO 8601 time`);
  return d;
}
