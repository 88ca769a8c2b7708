// Loaded with `node --require` into each service of a benchmark's stack (bench:e2e --sync-fs): times
// every synchronous file-system call the code makes by name, since each holds the event loop for as
// long as it takes, and on exit writes the totals to $BENCH_SYNC_FS_DIR/<service>.json.
'use strict';
const fs = require('node:fs');
const { join } = require('node:path');

const CALLS = ['openSync', 'closeSync', 'readSync', 'writeSync', 'fstatSync', 'statSync', 'lstatSync', 'mkdirSync', 'mkdtempSync', 'rmdirSync', 'rmSync', 'unlinkSync', 'renameSync', 'linkSync', 'chmodSync', 'readdirSync', 'fsyncSync', 'ftruncateSync', 'copyFileSync'];
const totals = {};
for (const name of CALLS) {
  const original = fs[name];
  const total = (totals[name] = { calls: 0, ms: 0, maxMs: 0, over1ms: 0 });
  fs[name] = function timed(...args) {
    const started = process.hrtime.bigint();
    try {
      return original.apply(this, args);
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      total.calls++;
      total.ms += ms;
      if (ms > total.maxMs) total.maxMs = ms;
      if (ms > 1) total.over1ms++;
    }
  };
}
const service = /services[\\/]([a-z]+)[\\/]dist/.exec(process.argv[1] ?? '')?.[1] ?? `pid-${process.pid}`;
process.once('exit', () => {
  const dir = process.env.BENCH_SYNC_FS_DIR;
  if (dir) fs.writeFileSync(join(dir, `${service}.json`), JSON.stringify(totals));
});
