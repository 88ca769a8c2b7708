import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TokenPair } from '@edoc/identity-client';

/** Where `edoc login` keeps the session: $XDG_CONFIG_HOME/edoc/credentials.json (~/.config/edoc/ by default), owner-only. */
export function credentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'edoc', 'credentials.json');
}

/** One session per identity service the user signed in to. */
type Stored = Record<string, TokenPair>;

export class CredentialsFile {
  constructor(readonly path: string = credentialsFile()) {}

  read(identityUrl: string): TokenPair | undefined {
    return this.readAll()[identityUrl];
  }

  write(identityUrl: string, pair: TokenPair): void {
    this.replace((all) => ({ ...all, [identityUrl]: pair }));
  }

  remove(identityUrl: string): void {
    this.replace((all) => {
      const rest = { ...all };
      delete rest[identityUrl];
      return rest;
    });
  }

  /** The file's mode bits (for tests and `edoc login`'s own check). */
  mode(): number | undefined {
    return existsSync(this.path) ? statSync(this.path).mode & 0o777 : undefined;
  }

  /**
   * Runs `work` while holding the file's lock (a sibling file made with O_EXCL), so that two edoc
   * commands never present the same refresh token: the second would look like a thief, and the
   * identity service would end every session of the user.
   */
  async locked<T>(work: () => Promise<T>): Promise<T> {
    const lock = `${this.path}.lock`;
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        closeSync(openSync(lock, 'wx', 0o600));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        // A lock older than a minute belongs to a process that died holding it.
        if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 60_000) rmSync(lock, { force: true });
        if (Date.now() > deadline) throw new Error(`${lock} is held by another edoc command; remove it if none runs`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    try {
      return await work();
    } finally {
      rmSync(lock, { force: true });
    }
  }

  private readAll(): Stored {
    if (!existsSync(this.path)) return {};
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as Stored;
    } catch (error) {
      throw new Error(`cannot read ${this.path}: ${(error as Error).message}; remove it and run \`edoc login\``);
    }
  }

  private replace(change: (all: Stored) => Stored): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(change(this.readAll()), null, 2)}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, this.path);
  }
}
