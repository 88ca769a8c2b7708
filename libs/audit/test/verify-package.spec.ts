import { mkdtempSync, readFileSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assemblePackage,
  checkpointSignatureFile,
  MANIFEST_FILE,
  MANIFEST_SIGNATURE_FILE,
  type PackageReport,
  preparePackageFolder,
  sha256Hex,
  signDetached,
  type StoredEntry,
  verifyPackage,
  writePackageFile,
} from '@edoc/audit';
import type { SigningIdentity } from '@edoc/pki';
import { buildChain, checkpointsFor } from './support/chain-builder';
import { testPki } from './support/test-pki';

const ORG = '000.00.13.H26';
const DOC = '0b8a1d9e-1111-4000-8000-000000000001';
const PDF = Buffer.from('%PDF-1.7 the issued document with both signatures');
const XML = Buffer.from('<HoSo/>');
const NAME = `${ORG}/2026/${DOC}`;

/** A package as the archive exports it: one document, the unit's register entries, checkpoints. */
async function writeTestPackage(dir: string, signer: SigningIdentity = testPki().archive): Promise<void> {
  const objects = [
    { name: `${NAME}/document.pdf`, sha256: sha256Hex(PDF), size: PDF.length, role: 'document' },
    { name: `${NAME}/metadata.xml`, sha256: sha256Hex(XML), size: XML.length, role: 'metadata' },
  ];
  const entries = buildChain([
    { type: 'document.submitted', documentId: DOC },
    { type: 'register.recorded', orgCodes: [ORG] },
    { type: 'document.issued', documentId: DOC },
    { type: 'register.recorded', orgCodes: ['000.31.13.H26'] },
    { type: 'document.archived', documentId: DOC, payload: { objects } },
  ]);
  const checkpoints = await checkpointsFor(entries, 3);
  const onlyDoc = (e: StoredEntry) => JSON.parse(e.body).documentId === DOC;
  const assembled = assemblePackage({
    org: ORG,
    from: '2026-01-01',
    to: '2026-01-31',
    createdAt: new Date(),
    exportedBy: 'admin',
    documents: [{ documentId: DOC, edxmlDocumentId: `${ORG},2026/01/05,01/UBND-VP`, issuedDate: '2026-01-05', retentionClass: '10-years', objects, entries: entries.filter(onlyDoc) }],
    registerEntries: [entries[1]],
    checkpoints,
    certificates: [{ name: 'archive.cert.pem', pem: testPki().archivePem }],
  });
  preparePackageFolder(dir);
  for (const file of assembled.generated) writePackageFile(dir, file.path, file.bytes);
  const bytes = new Map([[`${NAME}/document.pdf`, PDF], [`${NAME}/metadata.xml`, XML]]);
  for (const object of assembled.objects) writePackageFile(dir, object.path, bytes.get(object.archiveName) as Buffer);
  writePackageFile(dir, MANIFEST_FILE, assembled.manifestBytes);
  writePackageFile(dir, MANIFEST_SIGNATURE_FILE, await signDetached(assembled.manifestBytes, signer, testPki().tsa));
}

describe('verifyPackage', () => {
  let root: string;
  let dir: string;
  let count = 0;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'edoc-audit-package-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  beforeEach(async () => {
    dir = join(root, `package-${++count}`);
    await writeTestPackage(dir);
  });

  const verify = (): PackageReport => verifyPackage(dir, testPki().trust);
  const file = (path: string) => join(dir, ...path.split('/'));

  it('accepts an intact package', () => {
    const report = verify();
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, org: ORG, documents: 1, checkpoints: 2, entries: 4 });
    expect(report.signedAt).toBeDefined();
  });

  it('names a missing file', () => {
    unlinkSync(file(`documents/${DOC}/document.pdf`));
    expect(verify().firstProblem).toEqual({ kind: 'file', item: `documents/${DOC}/document.pdf`, detail: 'missing: the manifest lists it but the package does not contain it' });
  });

  it('names an altered file', () => {
    writeFileSync(file(`documents/${DOC}/metadata.xml`), '<HoSo>forged</HoSo>');
    const report = verify();
    expect(report.ok).toBe(false);
    expect(report.firstProblem).toMatchObject({ item: `documents/${DOC}/metadata.xml` });
    expect(report.firstProblem?.detail).toMatch(/^altered: its SHA-256 is/);
  });

  it('names an altered file even when the manifest was rewritten to match it', () => {
    const forged = Buffer.from('%PDF-1.7 a different document');
    writeFileSync(file(`documents/${DOC}/document.pdf`), forged);
    const manifest = JSON.parse(readFileSync(file(MANIFEST_FILE), 'utf8'));
    const entry = manifest.files.find((f: { path: string }) => f.path === `documents/${DOC}/document.pdf`);
    Object.assign(entry, { sha256: sha256Hex(forged), size: forged.length });
    writeFileSync(file(MANIFEST_FILE), JSON.stringify(manifest, null, 2));
    const items = verify().problems.map((p) => `${p.item}: ${p.detail}`);
    expect(items).toContain(`${MANIFEST_SIGNATURE_FILE}: the signed digest does not match the content: the content was changed after signing`);
    expect(items.some((p) => p.startsWith(`documents/${DOC}/document.pdf: differs from the archived original`))).toBe(true);
  });

  it('names a file added to the package', () => {
    writeFileSync(file(`documents/${DOC}/extra.pdf`), 'x');
    expect(verify().firstProblem).toMatchObject({ item: `documents/${DOC}/extra.pdf`, detail: 'not in the manifest: it was added to the package' });
  });

  it('names a checkpoint signed by an unknown key', async () => {
    const path = checkpointSignatureFile(2);
    const body = readFileSync(file(path.replace(/\.p7s$/, '')));
    const forged = await signDetached(body, testPki().stranger, testPki().tsa);
    writeFileSync(file(path), forged);
    // Rewrite the manifest entry too, so the only thing wrong is the signer.
    const manifest = JSON.parse(readFileSync(file(MANIFEST_FILE), 'utf8'));
    Object.assign(manifest.files.find((f: { path: string }) => f.path === path), { sha256: sha256Hex(forged), size: forged.length });
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2));
    writeFileSync(file(MANIFEST_FILE), manifestBytes);
    writeFileSync(file(MANIFEST_SIGNATURE_FILE), await signDetached(manifestBytes, testPki().archive, testPki().tsa));
    const report = verify();
    expect(report.firstProblem).toMatchObject({ kind: 'checkpoint', item: 'checkpoints/000002.json' });
    expect(report.firstProblem?.detail).toContain('not a trusted archive certificate (unknown key)');
  });

  it('names a manifest signed by an unknown key', async () => {
    rmSync(dir, { recursive: true });
    await writeTestPackage(dir, testPki().stranger);
    expect(verify().firstProblem).toMatchObject({ item: MANIFEST_SIGNATURE_FILE });
    expect(verify().firstProblem?.detail).toContain('Not the archive');
  });

  it('says plainly when the folder is not a package', () => {
    expect(verifyPackage(join(root, 'nowhere'), testPki().trust).firstProblem?.detail).toContain('is not a folder');
    unlinkSync(file(MANIFEST_FILE));
    expect(verify().firstProblem).toMatchObject({ item: MANIFEST_FILE, detail: expect.stringContaining('missing') });
  });

  it('refuses to write a package into a folder that holds other files', () => {
    expect(() => preparePackageFolder(dir)).toThrow('is not empty');
    expect(() => writePackageFile(dir, '../escape.txt', Buffer.from('x'))).toThrow('not a path inside the package');
  });
});
