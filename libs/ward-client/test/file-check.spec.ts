import { create, FileRefSchema } from '@edoc/contracts';
import { claimCheckProblem, FileCheckError, verifyFile } from '@edoc/ward-client';
import { fileRefOf, pdfBytes } from './support/deliveries';

describe('verifyFile', () => {
  const bytes = pdfBytes('Quyết định 01/QĐ-UBND');
  const ref = fileRefOf(bytes);

  it('accepts exactly the bytes the claim check names', () => {
    expect(() => verifyFile(ref, bytes)).not.toThrow();
  });

  it('refuses bytes of the right size but another SHA-256, naming both digests', () => {
    const tampered = Buffer.from(bytes);
    tampered[tampered.length - 2] ^= 0xff;
    expect(() => verifyFile(ref, tampered)).toThrow(FileCheckError);
    expect(() => verifyFile(ref, tampered)).toThrow(new RegExp(`SHA-256 [0-9a-f]{64}, the claim check says ${ref.sha256}`));
  });

  it('refuses a short or long body by its size before hashing', () => {
    expect(() => verifyFile(ref, bytes.subarray(0, 10))).toThrow(`got 10 bytes, the claim check says ${bytes.length}`);
    expect(() => verifyFile(ref, Buffer.concat([bytes, Buffer.from('x')]))).toThrow(`got ${bytes.length + 1} bytes`);
  });

  it('compares digests without regard to case in the claim check', () => {
    expect(() => verifyFile({ ...ref, sha256: ref.sha256.toUpperCase() }, bytes)).not.toThrow();
  });
});

describe('claimCheckProblem', () => {
  it('names a missing reference, a malformed digest and a size of zero', () => {
    expect(claimCheckProblem(undefined, 'file')).toBe('file: no file reference');
    expect(claimCheckProblem(create(FileRefSchema, { sha256: 'abc', size: 3n }), 'file')).toContain('"abc" is not a lower-case hex SHA-256');
    expect(claimCheckProblem(create(FileRefSchema, { sha256: 'a'.repeat(64), size: 0n }), 'file')).toContain('size 0 is not a positive number');
    expect(claimCheckProblem(create(FileRefSchema, { sha256: 'a'.repeat(64), size: 1n }), 'file')).toBeUndefined();
  });
});
