// A fresh process that verifies one signed file and says how far its peak RSS rose while it did.
// verify-memory.spec runs it once per form: inside a jest worker, garbage and freed memory left by
// the test files that worker ran before showed up in (or hid) the measurement; here nothing came
// before it. Usage: node --expose-gc verify-memory-probe.mjs path|buffer <signed.pdf> <anchors.pem>
import { readFileSync } from 'node:fs';
import pdfSign from '@edoc/pdf-sign';
import testing from '@edoc/testing';

// Both are CommonJS builds, whose names Node cannot list for an ES import.
const { verifyPdf } = pdfSign;
const { readProcessMemory, resetPeakRss } = testing;

const MB = 1024 * 1024;
const [form, file, anchorsFile] = process.argv.slice(2);
if (!['path', 'buffer'].includes(form) || file === undefined || anchorsFile === undefined) {
  console.error('usage: node --expose-gc verify-memory-probe.mjs path|buffer <signed.pdf> <anchors.pem>');
  process.exit(2);
}
if (typeof globalThis.gc !== 'function') {
  console.error('run with --expose-gc: the heap is collected before the measurement');
  process.exit(2);
}
const anchorsPem = JSON.parse(readFileSync(anchorsFile, 'utf8'));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const rssBytes = () => readProcessMemory(process.pid).rssBytes;

// Start-up's garbage collected, and RSS left to stop falling (three readings 100 ms apart within
// 1 MB, at most 10 s): V8 frees what it collected on other threads, late on a busy machine. The
// second collection finishes the first one's freeing of array buffers before it starts.
globalThis.gc();
globalThis.gc();
let last = rssBytes();
for (let steady = 0, tries = 0; steady < 3 && tries < 100; tries++) {
  await sleep(100);
  const now = rssBytes();
  steady = Math.abs(now - last) < MB ? steady + 1 : 0;
  last = now;
}
if (!resetPeakRss(process.pid)) {
  console.error('the kernel refused to reset VmHWM: the peak cannot be measured');
  process.exit(1);
}
const before = rssBytes();
const report = verifyPdf(form === 'path' ? file : readFileSync(file), { anchorsPem });
const growthMb = (readProcessMemory(process.pid).peakRssBytes - before) / MB;
console.log(JSON.stringify({ growthMb, valid: report.valid, signatures: report.signatures.map(({ indication, coversWholeFile, signedLength }) => ({ indication, coversWholeFile, signedLength })) }));
