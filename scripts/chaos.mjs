#!/usr/bin/env node
// npm run test:chaos [-- --full | --documents N] [--seed S]
// The fault-injection suite: documents sent while services are SIGKILLed, RabbitMQ and PostgreSQL
// restarted. The small profile (200 documents) is part of npm test; --full sends 1,000.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
if (args.includes('--help')) {
  console.log('usage: npm run test:chaos [-- --full | --documents N] [--seed S]\n  --full         1,000 documents (default 200)\n  --documents N  any number\n  --seed S       replay the same sequence of faults');
  process.exit(0);
}
const value = (flag) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const documents = args.includes('--full') ? '1000' : (value('--documents') ?? process.env.EDOC_CHAOS_DOCUMENTS ?? '200');
const env = { ...process.env, EDOC_CHAOS_DOCUMENTS: documents, ...(value('--seed') ? { EDOC_CHAOS_SEED: value('--seed') } : {}) };
const root = resolve(import.meta.dirname, '..');
const build = spawnSync(process.execPath, ['scripts/build.mjs', '--quiet'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
// --forceExit: a child process a failed run lost track of must not hold CI open until its timeout.
const jest = spawnSync(process.execPath, ['node_modules/.bin/jest', '--selectProjects', 'chaos', '--runInBand', '--forceExit'], { cwd: root, stdio: 'inherit', env });
process.exit(jest.status ?? 1);
