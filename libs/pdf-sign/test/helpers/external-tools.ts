import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs a tool we did not write; returns stdout+stderr and the exit status. */
export function run(cmd: string, args: string[]): { status: number; output: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'edoc-pdfsign-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface PdfsigSignature {
  index: number;
  valid: boolean;
  coversWholeDocument: boolean;
  subFilter?: string;
  text: string;
}

/**
 * poppler's pdfsig. It exits 0 even when a signature is invalid, so the verdict is read from its
 * output. -nocert: certificate trust needs an NSS database; the chain is checked by openssl instead.
 */
export function pdfsig(pdf: Buffer): PdfsigSignature[] {
  return withTempDir((dir) => {
    const file = join(dir, 'in.pdf');
    writeFileSync(file, pdf);
    const { output } = run('pdfsig', ['-nocert', file]);
    const blocks = output.split(/^Signature #/m).slice(1);
    return blocks.map((b, i) => ({
      index: i + 1,
      valid: /Signature Validation: Signature is Valid\./.test(b),
      coversWholeDocument: /Total document signed/.test(b),
      subFilter: /Signature Type: (\S+)/.exec(b)?.[1],
      text: b,
    }));
  });
}

export function qpdfCheck(pdf: Buffer): { status: number; output: string } {
  return withTempDir((dir) => {
    const file = join(dir, 'in.pdf');
    writeFileSync(file, pdf);
    return run('qpdf', ['--check', file]);
  });
}

/**
 * MuPDF's word on each signature's digest, in file order: "The document is unchanged since signing.",
 * "The signature is valid but there have been edits since signing." (a later revision) or a digest
 * error. Its certificate check needs a trust store it does not have, so only the digest is read.
 */
export function mutoolDigestVerdicts(pdf: Buffer): string[] {
  return withTempDir((dir) => {
    const file = join(dir, 'in.pdf');
    writeFileSync(file, pdf);
    const { status, output } = run('mutool', ['sign', '-v', file]);
    if (status !== 0) throw new Error(`mutool sign -v failed: ${output}`);
    return output
      .split(/^Verifying signature \d+:/m)
      .slice(1)
      .map((block) => block.split('\n').map((line) => line.trim()).find((line) => /unchanged since signing|edits since signing|^Digest error/.test(line)) ?? '(no verdict)');
  });
}

/**
 * Every signature's /ByteRange and /Contents, and the /SubFilter written just before its
 * /ByteRange, read naively (enough for files we made). A document time-stamp (ETSI.RFC3161) holds
 * an RFC 3161 token, for `openssl ts -verify`, not a detached CMS for `openssl cms -verify`.
 */
export function extractSignatures(pdf: Buffer): { byteRange: number[]; cms: Buffer; subFilter?: string }[] {
  const text = pdf.toString('latin1');
  const out: { byteRange: number[]; cms: Buffer; subFilter?: string }[] = [];
  for (const m of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const br = m.slice(1, 5).map(Number);
    const contents = Buffer.from(text.slice(br[1] + 1, br[2] - 1), 'hex');
    const before = text.slice(Math.max(0, (m.index ?? 0) - 300), m.index);
    const subFilter = [...before.matchAll(/\/SubFilter\s*\/([A-Za-z0-9.]+)/g)].pop()?.[1];
    out.push({ byteRange: br, cms: contents.subarray(0, derLength(contents)), ...(subFilter === undefined ? {} : { subFilter }) });
  }
  return out;
}

/**
 * The length of the DER value at the start of a zero-padded /Contents, read from its own header.
 * Stripping trailing zero bytes instead cuts a signature whose last byte happens to be zero.
 */
function derLength(der: Buffer): number {
  if (der[0] !== 0x30) throw new Error('the signature /Contents does not start with a DER SEQUENCE');
  const first = der[1];
  if (first < 0x80) return 2 + first;
  const octets = first & 0x7f;
  let length = 0;
  for (let i = 0; i < octets; i++) length = length * 256 + der[2 + i];
  return 2 + octets + length;
}

/** openssl cms -verify of one signature against the CA file (detached content = the byte ranges). */
export function opensslVerify(pdf: Buffer, sig: { byteRange: number[]; cms: Buffer }, caPem: string): { status: number; output: string } {
  return withTempDir((dir) => {
    const [a, b, c, d] = sig.byteRange;
    writeFileSync(join(dir, 'content.bin'), Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]));
    writeFileSync(join(dir, 'sig.der'), sig.cms);
    writeFileSync(join(dir, 'ca.pem'), caPem);
    return run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-content', join(dir, 'content.bin'), '-CAfile', join(dir, 'ca.pem'), '-purpose', 'any', '-out', '/dev/null']);
  });
}

export function toolVersion(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8' }).split('\n')[0];
}
