// The floor under any exchange of a file, measured on the same file in the same run: copying it
// once (cp) and hashing it once (sha256sum), with the system's own tools. The file was just
// written, so both read it from the page cache, as the services mostly do.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';

const GNU_TIME = '/usr/bin/time';

export function rawIoBaseline(file, copyPath) {
  const copy = measure(['cp', file, copyPath]);
  rmSync(copyPath, { force: true });
  return { cp: copy, sha256sum: measure(['sha256sum', file]) };
}

/** Wall time, and the peak RSS where GNU time is installed to report it. */
function measure(command) {
  if (existsSync(GNU_TIME)) {
    const result = spawnSync(GNU_TIME, ['-f', '%e %M', ...command], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command.join(' ')} failed: ${result.stderr}`);
    const [seconds, kilobytes] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
    return { seconds, peakRssBytes: kilobytes * 1024 };
  }
  const started = performance.now();
  const result = spawnSync(command[0], command.slice(1));
  if (result.status !== 0) throw new Error(`${command.join(' ')} failed: ${result.stderr}`);
  return { seconds: (performance.now() - started) / 1000, peakRssBytes: undefined };
}
