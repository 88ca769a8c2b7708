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

// The garbage of the test files this worker ran before is freed by V8 on background threads, late
// when the machine is busy: freed during the work, it hides part of what the work held (fresh-ci,
// two CPU hogs beside it, saw the Buffer form grow by 127 MB for a 150 MB file, and by 75 MB when
// the heap was collected just before). So the heap is collected (gc() comes from a context made
// after --expose-gc is set) and RSS is given time to stop falling before the peak is reset.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rssBytes = () => readProcessMemory(process.pid)!.rssBytes;

/** RSS once three readings 100 ms apart stayed within 1 MB of each other (at most 10 s). */
async function settledRss(): Promise<number> {
  collectGarbage();
  let last = rssBytes();
  for (let steady = 0, tries = 0; steady < 3 && tries < 100; tries++) {
    await sleep(100);
    const now = rssBytes();
    steady = Math.abs(now - last) < MB ? steady + 1 : 0;
    last = now;
  }
  return last;
}

/** How far this process's peak RSS rises while `work` runs, from a heap collected and settled. */
async function peakGrowthMb(work: () => void): Promise<number> {
  await settledRss();
  if (!resetPeakRss(process.pid)) throw new Error('the kernel refused to reset VmHWM: the peak cannot be measured');
  const before = rssBytes();
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

  test(`a ${FILE_MB} MB signed file is verified with RSS growing by well under its size`, async () => {
    let report: ReturnType<typeof verifyPdf> | undefined;
    const growth = await peakGrowthMb(() => (report = verifyPdf(path, { anchorsPem: pki.anchorsPem })));
    console.log(`verifyPdf from a path, ${(size / MB).toFixed(0)} MB file: peak RSS grew by ${growth.toFixed(1)} MB`);
    expect(report!.signatures).toMatchObject([{ indication: 'TOTAL_PASSED', coversWholeFile: true, signedLength: size }]);
    expect(growth).toBeLessThan(FLAT_GROWTH_BOUND_MB);
  });

  test('the measurement sees a file held in memory (the Buffer form), so the bound above means something', async () => {
    // Memory this worker frees on other threads during the work can hide what the work held: fresh-ci
    // once saw 0.4 MB for the 150 MB Buffer. The measure must be able to see a file held, not see it
    // every time, so it gets three tries; a measure that could never see it fails all three.
    // Half the file is several times the bound above: enough to show the measure sees a file held.
    const floorMb = (0.5 * size) / MB;
    const seen: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      let report: ReturnType<typeof verifyPdf> | undefined;
      seen.push(await peakGrowthMb(() => (report = verifyPdf(readFileSync(path), { anchorsPem: pki.anchorsPem }))));
      expect(report!.valid).toBe(true);
      if (seen[attempt]! > floorMb) break;
    }
    console.log(`verifyPdf from a Buffer, ${(size / MB).toFixed(0)} MB file: peak RSS grew by ${seen.map((mb) => mb.toFixed(1)).join(', ')} MB`);
    expect(Math.max(...seen)).toBeGreaterThan(floorMb);
  });
});
