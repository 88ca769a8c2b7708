#!/usr/bin/env node
// node scripts/cpu-profile-summary.mjs DIR [service ...]: the functions that took the most CPU
// (self time) in the V8 CPU profiles (--cpu-prof) under DIR/<service>, per service.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
// A worker thread of a pool (intake's preflight, piscina) waits for work in Atomics.wait inside a
// JavaScript loop: the profile samples it as running, though it takes no CPU.
const IDLE = new Set(['(idle)', '(program)', 'atomicsWaitLoop']);

/** Self time per function (name and place) over every profile in `dir`, in ms, most first. */
function selfTimes(dir) {
  const totals = new Map();
  let all = 0;
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const deltas = profile.timeDeltas ?? [];
    for (const [index, id] of (profile.samples ?? []).entries()) {
      const node = byId.get(id);
      const ms = (deltas[index] ?? 0) / 1000;
      all += ms;
      const { functionName, url, lineNumber } = node.callFrame;
      if (IDLE.has(functionName)) continue;
      const where = url === '' ? functionName || '(native)' : `${functionName || '(anonymous)'} ${shorten(url)}:${lineNumber + 1}`;
      totals.set(where, (totals.get(where) ?? 0) + ms);
    }
  }
  return { all, entries: [...totals.entries()].sort((a, b) => b[1] - a[1]) };
}

function shorten(url) {
  const path = url.replace(/^file:\/\//, '');
  return path.startsWith(root) ? relative(root, path) : path.replace(/^.*node_modules\//, 'node_modules/');
}

/** Lines to print: per service, its busiest functions with their share of its busy time. */
export function hottestFunctions(dir, services, top = 8) {
  const lines = [];
  for (const service of services) {
    const folder = join(dir, service);
    if (!existsSync(folder)) continue;
    const { entries } = selfTimes(folder);
    const busy = entries.reduce((sum, [, ms]) => sum + ms, 0);
    lines.push(`${service}: ${(busy / 1000).toFixed(1)} s busy`);
    for (const [where, ms] of entries.slice(0, top)) lines.push(`  ${((ms / busy) * 100).toFixed(1).padStart(5)}%  ${where}`);
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, ...services] = process.argv.slice(2);
  if (dir === undefined || dir === '--help') {
    console.log('usage: node scripts/cpu-profile-summary.mjs DIR [service ...]  (profiles written by npm run bench:e2e -- --cpu-prof DIR)');
    process.exit(dir === undefined ? 2 : 0);
  }
  const names = services.length > 0 ? services : readdirSync(dir);
  for (const line of hottestFunctions(resolve(dir), names, 15)) console.log(line);
}
