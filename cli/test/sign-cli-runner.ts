import type { Command } from 'commander';

/** Runs a command builder as `edoc <args>` would, capturing what it prints and its exit code. */
export async function runCli(build: () => Command, args: string[]): Promise<{ out: string; err: string; exitCode: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await build()
      .exitOverride()
      .configureOutput({ writeErr: (s) => void err.push(s), writeOut: (s) => void out.push(s) })
      .parseAsync(args, { from: 'user' });
    return { out: out.join('\n'), err: err.join('\n'), exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = before;
    log.mockRestore();
    error.mockRestore();
  }
}
