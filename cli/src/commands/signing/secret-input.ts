import { readFileSync } from 'node:fs';

/**
 * Reads a secret (PKCS#12 password, key passphrase) from an environment variable or a file, never
 * from the command line, where other users could see it in the process list.
 */
export function readSecret(opts: { env?: string; file?: string }, what: string): string | undefined {
  if (opts.env && opts.file) throw new Error(`give the ${what} by environment variable or by file, not both`);
  if (opts.env) {
    const value = process.env[opts.env];
    if (value === undefined) throw new Error(`the ${what} variable ${opts.env} is not set`);
    return value;
  }
  if (opts.file) {
    try {
      return readFileSync(opts.file, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new Error(`cannot read the ${what} file ${opts.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  return undefined;
}

export function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function readBinary(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read the ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
