#!/usr/bin/env node
// npm run bench: every benchmark of the project, each printing its figures beside the baseline it
// measures in the same run. Per area: npm run bench:sign (PAdES signing against @signpdf and the bare cost),
// npm run bench:memory (peak RSS of every service while 1-200 MB PDFs cross the exchange; needs RabbitMQ and PostgreSQL),
// npm run bench:approval (approval to issued with keys in files and on an HSM),
// npm run bench:audit (audit entries a second through the archival chain's head lock).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

if (process.argv.includes('--help')) {
  console.log(
    'usage: npm run bench\n  runs: bench:sign (1, 20 and 200 MB PDFs; @signpdf pipeline and bare SHA-256 + one signature as baselines)\n' +
      '        bench:memory (1, 50 and 200 MB PDFs to 20 recipients; idle RSS of each service and cp / sha256sum as baselines)\n' +
      '        bench:approval (approval to issued at 1 MB, keys in files and on an HSM with TOTP; the engine alone as baseline)\n' +
      '        bench:audit (audit entries a second through the chain\'s head lock; the lock alone as baseline)\n' +
      '        bench:e2e (500 documents of 1 MB to the 20 wards through the whole exchange; raw RabbitMQ and PostgreSQL as baselines)',
  );
  process.exit(0);
}
const root = resolve(import.meta.dirname, '..');
let failed = false;
for (const script of ['bench:sign', 'bench:memory', 'bench:approval', 'bench:audit', 'bench:e2e']) {
  console.log(`\n== npm run ${script}`);
  const result = spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
