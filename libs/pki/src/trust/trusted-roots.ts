import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatName } from '../asn1/name';
import { toPem } from '../asn1/pem';
import { parseCertificatesPem } from '../certificates/parse-certificate';
import { PkiError } from '../errors';

/** One trust anchor and the file it came from, so that an operator can tell where each is configured. */
export interface TrustedRoot {
  readonly source: string;
  readonly subject: string;
  readonly pem: string;
}

const CERTIFICATE_FILE = /\.(pem|crt|cer)$/i;

/**
 * The CA certificates in the given files and folders (a folder: each .pem, .crt or .cer file in it).
 * A configured path that is missing, a file without a certificate or a certificate that is not a CA
 * is an error naming the path: a trust list that silently lost an entry would refuse good documents
 * for reasons nobody could find.
 */
export function readTrustedRoots(paths: readonly string[]): TrustedRoot[] {
  return paths.flatMap((path) => {
    if (!existsSync(path)) throw new PkiError('BAD_ARGUMENT', `trusted roots: ${path} does not exist`);
    if (!statSync(path).isDirectory()) return rootsInFile(path);
    const files = readdirSync(path)
      .filter((name) => CERTIFICATE_FILE.test(name))
      .sort()
      .map((name) => join(path, name));
    if (files.length === 0) throw new PkiError('BAD_ARGUMENT', `trusted roots: the folder ${path} holds no .pem, .crt or .cer file`);
    return files.flatMap(rootsInFile);
  });
}

function rootsInFile(file: string): TrustedRoot[] {
  const certificates = parseCertificatesPem(readFileSync(file, 'utf8'), `trusted roots: ${file}`);
  return certificates.map((certificate) => {
    const subject = formatName(certificate.subject);
    if (certificate.basicConstraints?.ca !== true) throw new PkiError('NOT_A_CA', `trusted roots: ${file} holds "${subject}", which is not a CA certificate`);
    return { source: file, subject, pem: toPem(certificate.der, 'CERTIFICATE') };
  });
}
