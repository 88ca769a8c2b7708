import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signPdfFile } from '@edoc/pdf-sign';
import { writeLargePdf } from '@edoc/testing';
import { type TestPki, makeTestPki } from './helpers/pki-fixture';

const MB = 1024 * 1024;
const FILE_MB = 150;
/** Far under the file: holding it, even once, cannot stay below (measured: under 2 MB; the rest is room for the collector). */
const FLAT_GROWTH_BOUND_MB = 16;
const PROBE = join(__dirname, 'helpers', 'verify-memory-probe.mjs');

interface ProbeResult {
  growthMb: number;
  valid: boolean;
  signatures: { indication: string; coversWholeFile: boolean; signedLength: number }[];
}

/**
 * How far a fresh process's peak RSS rises while it verifies the file in the given form. A fresh
 * process, not this jest worker: fresh-ci (two CPU hogs beside it) saw the worker's earlier test
 * files' memory, freed during the measurement, hide all of a 150 MB Buffer three times in a row.
 */
function probe(form: 'path' | 'buffer', file: string, anchorsFile: string): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', PROBE, form, file, anchorsFile], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`the memory probe (${form}) failed: ${error.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
        return;
      }
      resolve(JSON.parse(stdout) as ProbeResult);
    });
  });
}

describe('verifyPdf given a path keeps memory flat', () => {
  let pki: TestPki;
  let dir: string;
  let path: string;
  let anchorsFile: string;
  let size: number;

  beforeAll(async () => {
    pki = makeTestPki();
    dir = mkdtempSync(join(tmpdir(), 'edoc-verify-memory-'));
    const large = await writeLargePdf(join(dir, 'large.pdf'), FILE_MB * MB, 'Verify memory');
    const signed = await signPdfFile(large.path, join(dir, 'signed.pdf'), { identity: pki.orgId, appearance: { kind: 'invisible' } });
    path = signed.outputPath;
    size = signed.bytesWritten;
    anchorsFile = join(dir, 'anchors.json');
    writeFileSync(anchorsFile, JSON.stringify(pki.anchorsPem));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test(`a ${FILE_MB} MB signed file is verified with RSS growing by well under its size`, async () => {
    const result = await probe('path', path, anchorsFile);
    console.log(`verifyPdf from a path, ${(size / MB).toFixed(0)} MB file: peak RSS grew by ${result.growthMb.toFixed(1)} MB`);
    expect(result.signatures).toMatchObject([{ indication: 'TOTAL_PASSED', coversWholeFile: true, signedLength: size }]);
    expect(result.growthMb).toBeLessThan(FLAT_GROWTH_BOUND_MB);
  }, 130_000);

  test('the measurement sees a file held in memory (the Buffer form), so the bound above means something', async () => {
    const result = await probe('buffer', path, anchorsFile);
    console.log(`verifyPdf from a Buffer, ${(size / MB).toFixed(0)} MB file: peak RSS grew by ${result.growthMb.toFixed(1)} MB`);
    expect(result.valid).toBe(true);
    // Half the file is several times the bound above: enough to show the measure sees a file held.
    expect(result.growthMb).toBeGreaterThan((0.5 * size) / MB);
  }, 130_000);
});
