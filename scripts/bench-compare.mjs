#!/usr/bin/env node
// npm run bench:compare -- --ref <commit> [--pairs N] [--keep] [-- <bench:e2e options>]: bench:e2e on
// this tree and on another commit, alternately, in the same session. A shared machine drifts by more
// than most single changes are worth (the same build ran 8.8 to 14.1 documents a second within one
// session), so two builds are only compared run against run, in alternating order, and by medians.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median } from './bench-stats.mjs';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const split = args.indexOf('--');
const own = split === -1 ? args : args.slice(0, split);
const benchArgs = split === -1 ? [] : args.slice(split + 1);
if (own.includes('--help') || !own.includes('--ref')) {
  console.log(
    'usage: npm run bench:compare -- --ref <commit> [--pairs N] [--keep] [-- <bench:e2e options>]\n' +
      '  runs bench:e2e N times (default 3) on this tree and on <commit>, alternating which goes first,\n' +
      '  and prints each run and the medians: documents a second, steady state, CPU per document\n' +
      '  <commit> is checked out, installed (npm ci) and built in a worktree under the temporary folder;\n' +
      '  --keep leaves it there for the next comparison with the same commit',
  );
  process.exit(own.includes('--help') ? 0 : 2);
}
const option = (name, fallback) => (own.includes(name) ? own[own.indexOf(name) + 1] : fallback);
const refuse = (reason) => {
  console.error(`bench:compare: ${reason}`);
  process.exit(2);
};
const pairs = Number(option('--pairs', '3'));
if (!Number.isInteger(pairs) || pairs < 1) refuse(`--pairs is a whole number of at least 1, got ${option('--pairs')}`);
const git = (...rest) => execFileSync('git', rest, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
let commit = '';
try {
  commit = git('rev-parse', '--verify', '--end-of-options', `${option('--ref')}^{commit}`);
} catch {
  refuse(`--ref ${option('--ref')} is not a commit of this repository`);
}
const short = commit.slice(0, 7);

/** The other commit, installed and built once; a marker says the build finished. */
function prepareWorktree() {
  const dir = join(tmpdir(), `edoc-bench-ref-${short}`);
  const built = join(dir, '.edoc-bench-built');
  if (existsSync(built)) return dir;
  rmSync(dir, { recursive: true, force: true });
  git('worktree', 'prune');
  git('worktree', 'add', '--detach', dir, commit);
  const log = join(dir, '.edoc-bench-install.log');
  console.log(`installing and building ${short} in ${dir} (log: ${log}) ...`);
  const out = openSync(log, 'w');
  try {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', out, out] });
    execFileSync(process.execPath, ['scripts/build.mjs', '--quiet'], { cwd: dir, stdio: ['ignore', out, out] });
  } finally {
    closeSync(out);
  }
  writeFileSync(built, `${commit}\n`);
  return dir;
}

/** One bench:e2e run in `dir`; its output goes to `logFile`, its figures come back. */
function runBench(dir, logFile) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [join(dir, 'scripts', 'bench-e2e.mjs'), ...benchArgs], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(logFile);
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      log.write(chunk);
    });
    child.stderr.pipe(log, { end: false });
    child.on('error', reject);
    child.on('exit', (code) => {
      log.end();
      if (code !== 0) return reject(new Error(`bench:e2e in ${dir} exited with ${code}; see ${logFile}`));
      resolveRun(figuresOf(output, logFile));
    });
  });
}

function figuresOf(output, logFile) {
  const number = (pattern) => {
    const match = output.match(pattern);
    if (match === null) throw new Error(`bench:e2e printed no ${pattern}; see ${logFile}`);
    return Number(match[1]);
  };
  const cpu = Object.fromEntries([...output.matchAll(/^ {4}([a-z]+) +([\d.]+) ms$/gm)].map((m) => [m[1], Number(m[2])]));
  // Waits are printed by bench:e2e since 2026-12-06, write calls beside them since its seventh session; an older commit's run has none.
  const counts = output.match(/^ {4}all +(\d+)(?: +(\d+))?$/m);
  return {
    documentsPerSecond: number(/documents per second +([\d.]+)/),
    steady: number(/steady state +([\d.]+)/),
    cpu,
    waits: counts === null ? undefined : Number(counts[1]),
    writes: counts?.[2] === undefined ? undefined : Number(counts[2]),
  };
}

async function main() {
  const reference = prepareWorktree();
  const logs = join(tmpdir(), `edoc-bench-compare-${Date.now()}`);
  mkdirSync(logs, { recursive: true });
  const trees = { this: root, [short]: reference };
  const results = { this: [], [short]: [] };
  for (let pair = 1; pair <= pairs; pair++) {
    const order = pair % 2 === 1 ? [short, 'this'] : ['this', short];
    for (const name of order) {
      process.stdout.write(`pair ${pair}/${pairs}: ${name} ... `);
      const figures = await runBench(trees[name], join(logs, `${name}-${pair}.log`));
      results[name].push(figures);
      console.log(`${figures.documentsPerSecond} documents a second (steady ${figures.steady}), ${Object.values(figures.cpu).reduce((a, b) => a + b, 0).toFixed(0)} ms of CPU a document`);
    }
  }
  const services = Object.keys(results.this[0].cpu);
  const row = (label, pick) => {
    const mine = median(results.this.map(pick));
    const theirs = median(results[short].map(pick));
    console.log(`  ${label.padEnd(30)} ${theirs.toFixed(1).padStart(8)} ${mine.toFixed(1).padStart(8)}   ${(mine / theirs).toFixed(2)}`);
  };
  console.log(`\nmedians of ${pairs} runs each (bench:e2e ${benchArgs.join(' ') || 'defaults'}; logs in ${logs}):`);
  console.log(`  ${''.padEnd(30)} ${short.padStart(8)} ${'this'.padStart(8)}   this / ${short}`);
  row('documents a second', (r) => r.documentsPerSecond);
  row('steady state', (r) => r.steady);
  for (const service of services) row(`CPU ms a document: ${service}`, (r) => r.cpu[service]);
  if ([...results.this, ...results[short]].every((r) => r.waits !== undefined)) row('waits a document, all', (r) => r.waits);
  if ([...results.this, ...results[short]].every((r) => r.writes !== undefined)) row('write calls a document, all', (r) => r.writes);
  if (!own.includes('--keep')) {
    rmSync(reference, { recursive: true, force: true });
    git('worktree', 'prune');
  }
}

main().catch((error) => {
  console.error(`bench:compare: ${error.message}`);
  process.exit(1);
});
