#!/usr/bin/env node
// npm run bench:memory [-- --s3]: how much memory each service takes while a big PDF crosses the
// whole exchange. A scratch stack (own database, vhost, data folder) runs the built services; PDFs
// of 1, 50 and 200 MB (BENCH_SIZES_MB=1,50,200) go from the district to its 20 wards (16 built-in
// inboxes, 4 ward systems that download the file at once), one after the other. Per size: each
// service's peak RSS, and the time to accepted, issued, arrived, downloaded and archived. Baselines
// from the same run: each service's idle RSS before any document, and cp / sha256sum of the same
// file. A benchmark, not a test: it prints figures and asserts nothing. Needs RabbitMQ and PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { rawIoBaseline } from './bench-memory/raw-io-baseline.mjs';
import { RssSampler } from './bench-memory/rss-sampler.mjs';
import { sendDocument } from './bench-memory/send-document.mjs';
import { SERVICE_NAMES, startStack } from './bench-memory/stack.mjs';

if (process.argv.includes('--help')) {
  console.log('usage: npm run bench:memory [-- --s3]\n  --s3              files and archive on an S3 server (s3rver on loopback) instead of the filesystem\n  BENCH_SIZES_MB    sizes to send, default 1,50,200');
  process.exit(0);
}
const require = createRequire(import.meta.url);
const { readProcessMemory, writeLargePdf } = require('@edoc/testing');
const ROOT = resolve(import.meta.dirname, '..');
const MB = 1024 * 1024;
const SIZES_MB = (process.env.BENCH_SIZES_MB ?? '1,50,200').split(',').map(Number);
const S3 = process.argv.includes('--s3');

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'edoc-bench-files-'));
  console.log(`starting a scratch exchange (${S3 ? 'S3 storage on s3rver' : 'filesystem storage'}) ...`);
  const stack = await startStack({ root: ROOT, s3: S3 });
  const stopOnSignal = () => void stack.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  try {
    // Let start-up work (migrations, first checkpoint, JIT) settle before the idle reading.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const pids = new Map(SERVICE_NAMES.map((name) => [name, stack.pid(name)]));
    const idle = new Map([...pids].map(([name, pid]) => [name, readProcessMemory(pid).rssBytes]));
    const sampler = new RssSampler(pids);
    const runs = [];
    for (const sizeMb of SIZES_MB) {
      const pdf = await writeLargePdf(join(work, `${sizeMb}mb.pdf`), sizeMb * MB, `Benchmark document of ${sizeMb} MB`);
      const baseline = rawIoBaseline(pdf.path, join(work, 'copy.pdf'));
      process.stdout.write(`${sizeMb} MB (${pdf.size} bytes): sending to all wards ... `);
      sampler.start();
      const sent = await sendDocument(stack, { pdfPath: pdf.path });
      const memory = sampler.stop();
      console.log(`archived after ${sent.times.archived.toFixed(1)} s`);
      runs.push({ sizeMb, pdf, baseline, sent, memory });
      rmSync(pdf.path, { force: true });
    }
    print(idle, runs, [...sampler.hwmReset.values()].every(Boolean));
  } finally {
    await stack.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

function print(idle, runs, kernelPeaks) {
  const mb = (bytes) => (bytes === undefined ? '-' : (bytes / MB).toFixed(0));
  const s = (seconds) => seconds.toFixed(2);
  const row = (cells, widths) => cells.map((cell, i) => String(cell).padStart(widths[i] ?? 10)).join('  ');
  const sizes = runs.map((r) => `${r.sizeMb} MB`);

  console.log(`\nPeak RSS per service, MB (${kernelPeaks ? 'kernel VmHWM, reset before each size' : 'VmRSS polled every 50 ms: the kernel refused to reset VmHWM'}); idle = RSS before any document:\n`);
  const widths = [10, 6, ...sizes.map(() => 16)];
  console.log(row(['service', 'idle', ...sizes.map((size) => `${size} (+idle)`)], widths));
  for (const name of SERVICE_NAMES) {
    console.log(row([name, mb(idle.get(name)), ...runs.map((r) => `${mb(r.memory.get(name).peak)} (+${mb(r.memory.get(name).peak - idle.get(name))})`)], widths));
  }

  console.log('\nSeconds from the start of the upload (20 recipients: 16 built-in inboxes, 4 ward systems downloading at once):\n');
  const timeWidths = [8, 10, 10, 8, 16, 18, 10];
  console.log(row(['size', 'accepted', 'approved', 'issued', 'built-in at 01', '4 ward downloads', 'archived'], timeWidths));
  for (const r of runs) console.log(row([`${r.sizeMb} MB`, s(r.sent.times.accepted), s(r.sent.times.approved), s(r.sent.times.issued), s(r.sent.times.builtinArrived), s(r.sent.times.wardsDownloaded), s(r.sent.times.archived)], timeWidths));

  console.log('\nRaw I/O baseline on the same file, same run (page cache warm): seconds, peak RSS MB\n');
  const baseWidths = [8, 10, 12, 16, 18];
  console.log(row(['size', 'cp s', 'cp MB', 'sha256sum s', 'sha256sum MB'], baseWidths));
  for (const r of runs) console.log(row([`${r.sizeMb} MB`, s(r.baseline.cp.seconds), mb(r.baseline.cp.peakRssBytes), s(r.baseline.sha256sum.seconds), mb(r.baseline.sha256sum.peakRssBytes)], baseWidths));
  console.log('\nRatios against the baseline, same run: the largest growth of any service over sha256sum\'s peak RSS, and the time to archived over sha256sum\'s time\n');
  const ratioWidths = [8, 26, 30];
  console.log(row(['size', 'max (+idle) / sha256sum MB', 'archived s / sha256sum s'], ratioWidths));
  for (const r of runs) {
    const growth = Math.max(...SERVICE_NAMES.map((name) => r.memory.get(name).peak - idle.get(name)));
    const hash = r.baseline.sha256sum;
    console.log(row([`${r.sizeMb} MB`, `${(growth / hash.peakRssBytes).toFixed(1)}×`, `${(r.sent.times.archived / Math.max(hash.seconds, 0.001)).toFixed(0)}×`], ratioWidths));
  }
  console.log('\n(+idle = peak minus the idle RSS; the sizes run one after the other in the same processes, so memory kept after one size counts in the next)');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
