import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { extractSignatures } from '../../libs/pdf-sign/test/helpers/external-tools';

const run = promisify(execFile);

/**
 * pdfsig's verdict per signer's signature (pdfsig exits 0 even when a signature is broken, so its
 * text is read). Poppler cannot check a document time-stamp (ETSI.RFC3161: it lists one as
 * "Signature Type: unknown" and says it cannot validate it); those are left out here and checked
 * with `openssl ts -verify` by documentTimestampVerdicts.
 */
export async function pdfsigValidity(pdf: Buffer): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'edoc-pdfsig-'));
  try {
    const file = join(dir, 'document.pdf');
    writeFileSync(file, pdf);
    const { stdout } = await run('pdfsig', ['-nocert', file]);
    return stdout
      .split(/^Signature #/m)
      .slice(1)
      .filter((block) => !/Signature Type: unknown/.test(block))
      .map((block) => /Signature Validation: (.*)/.exec(block)?.[1].trim() ?? '(no verdict)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `openssl ts -verify` of every document time-stamp (ETSI.RFC3161) in the file: its token over the
 * bytes its /ByteRange names, against the given root and intermediate certificates.
 */
export async function documentTimestampVerdicts(pdf: Buffer, rootPem: string, intermediatePem: string): Promise<string[]> {
  const stamps = extractSignatures(pdf).filter((signature) => signature.subFilter === 'ETSI.RFC3161');
  const dir = mkdtempSync(join(tmpdir(), 'edoc-ts-verify-'));
  try {
    writeFileSync(join(dir, 'root.pem'), rootPem);
    writeFileSync(join(dir, 'intermediate.pem'), intermediatePem);
    const verdicts: string[] = [];
    for (const { byteRange: [a, b, c, d], cms: token } of stamps) {
      writeFileSync(join(dir, 'data.bin'), Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]));
      writeFileSync(join(dir, 'token.der'), token);
      const result = await run('openssl', ['ts', '-verify', '-data', join(dir, 'data.bin'), '-in', join(dir, 'token.der'), '-token_in', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'intermediate.pem')]).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: `${error.stdout ?? ''}${error.stderr ?? ''}` }));
      verdicts.push(result.stdout.trim());
    }
    return verdicts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** qpdf --check: throws (non-zero exit) when the file is structurally broken. */
export async function qpdfCheck(pdf: Buffer): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'edoc-qpdf-'));
  try {
    const file = join(dir, 'document.pdf');
    writeFileSync(file, pdf);
    const { stdout } = await run('qpdf', ['--check', file]);
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `openssl ocsp -respin` of an OCSP response about `certPem` (issued by `issuerPem`): its status
 * line and whether openssl verified the response's signature against `chainPem`. With `url`
 * instead, openssl asks that responder itself.
 */
export async function opensslOcspVerdict(source: { response: Buffer } | { url: string }, certPem: string, issuerPem: string, chainPem: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'edoc-ocsp-'));
  try {
    for (const [name, content] of Object.entries({ 'cert.pem': certPem, 'issuer.pem': issuerPem, 'chain.pem': chainPem })) writeFileSync(join(dir, name), content);
    const args = ['ocsp', '-issuer', join(dir, 'issuer.pem'), '-cert', join(dir, 'cert.pem'), '-CAfile', join(dir, 'chain.pem')];
    if ('response' in source) {
      writeFileSync(join(dir, 'response.der'), source.response);
      args.push('-respin', join(dir, 'response.der'), '-no_nonce');
    } else args.push('-url', source.url);
    const result = await run('openssl', args).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }));
    return `${result.stdout}${result.stderr}`.replaceAll(join(dir, 'cert.pem'), 'cert');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
