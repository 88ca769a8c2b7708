import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { signPdfFile, verifyPdf } from '@edoc/pdf-sign';
import { readProcessMemory, resetPeakRss, writeLargePdf } from '@edoc/testing';
import { type TestPki, makeTestPki } from './helpers/pki-fixture';

const MB = 1024 * 1024;
const FILE_MB = 150;
/** Far under the file: holding it, even once, cannot stay below (measured: under 2 MB; the rest is room for the collector). */
const FLAT_GROWTH_BOUND_MB = 16;

// The garbage of the test files this worker ran before would otherwise be counted in "before" and
// freed during the work, hiding part of what the work held (fresh-ci saw the Buffer form grow by
// 127 MB for a 150 MB file). A context made after the flag is set carries gc().
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** How far this process's peak RSS rises while `work` runs, from a heap just collected. */
function peakGrowthMb(work: () => void): number {
  collectGarbage();
  if (!resetPeakRss(process.pid)) throw new Error('the kernel refused to reset VmHWM: the peak cannot be measured');
  const before = readProcessMemory(process.pid)!.rssBytes;
  work();
  return (readProcessMemory(process.pid)!.peakRssBytes - before) / MB;
}

describe('verifyPdf given a path keeps memory flat', () => {
  let pki: TestPki;
  let dir: string;
  let path: string;
  let size: number;

  beforeAll(async () => {
    pki = makeTestPki();
    dir = mkdtempSync(join(tmpdir(), 'edoc-verify-memory-'));
    const large = await writeLargePdf(join(dir, 'large.pdf'), FILE_MB * MB, 'Verify memory');
    const signed = await signPdfFile(large.path, join(dir, 'signed.pdf'), { identity: pki.orgId, appearance: { kind: 'invisible' } });
    path = signed.outputPath;
    size = signed.bytesWritten;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test(`a ${FILE_MB} MB signed file is verified with RSS growing by well under its size`, () => {
    let report: ReturnType<typeof verifyPdf> | undefined;
    const growth = peakGrowthMb(() => (report = verifyPdf(path, { anchorsPem: pki.anchorsPem })));
    console.log(`verifyPdf from a path, ${(size / MB).toFixed(0)} MB file: peak RSS grew by ${growth.toFixed(1)} MB`);
    expect(report!.signatures).toMatchObject([{ indication: 'TOTAL_PASSED', coversWholeFile: true, signedLength: size }]);
    expect(growth).toBeLessThan(FLAT_GROWTH_BOUND_MB);
  });

  test('the measurement sees a file held in memory (the Buffer form), so the bound above means something', () => {
    let report: ReturnType<typeof verifyPdf> | undefined;
    const growth = peakGrowthMb(() => (report = verifyPdf(readFileSync(path), { anchorsPem: pki.anchorsPem })));
    console.log(`verifyPdf from a Buffer, ${(size / MB).toFixed(0)} MB file: peak RSS grew by ${growth.toFixed(1)} MB`);
    expect(report!.valid).toBe(true);
    expect(growth).toBeGreaterThan((0.9 * size) / MB);
  });
});
