import { mkdirSync, mkdtempSync, readdirSync, rmdirSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { inFolderMadeOnDemand } from './filesystem/folder-on-demand';
import { isErrnoCode } from './filesystem/fs-errors';

interface IdleFolder {
  dir: string;
  since: number;
}

/**
 * Work folders that their work left empty, kept for the next work under the same parent instead of
 * removed and made again. Making and removing a folder both take the parent folder's lock and a
 * journal entry: under `bench:e2e` (200 × 20) signing's mkdtemp and rmdir waited 0.3-1.5 ms on
 * average, up to 24 ms, several times a document, while reading that a folder is empty waits for
 * neither.
 *
 * A folder is handed to one work at a time, and handed back empty: what the work left in it is
 * removed first. A folder idle longer than `maxIdleMs`
 * is removed rather than reused, so that the sweep of leftovers by another instance (folders
 * untouched for an hour) never takes one this process still counts on. What is idle when the
 * process exits is removed then.
 */
export class ScratchFolderPool {
  private readonly idle = new Map<string, IdleFolder[]>();
  private exitHookSet = false;

  constructor(
    private readonly prefix: string,
    private readonly maxIdlePerParent = 32,
    private readonly maxIdleMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** A private, empty folder under `parent` (made, with `parent`, when none is idle). */
  take(parent: string): string {
    const idle = this.idle.get(parent) ?? [];
    const fresh = this.now() - this.maxIdleMs;
    // Oldest first: what idled too long is removed, in the thread pool, and forgotten.
    while (idle.length > 0 && (idle[0] as IdleFolder).since < fresh) void rmdir((idle.shift() as IdleFolder).dir).catch(() => undefined);
    return idle.pop()?.dir ?? this.make(parent);
  }

  /** Takes `dir` back from its work: emptied and kept, or removed when enough are kept already. */
  async give(parent: string, dir: string): Promise<void> {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch (error) {
      // Removed by the work itself.
      if (isErrnoCode(error, 'ENOENT')) return;
      throw error;
    }
    const idle = this.idle.get(parent) ?? [];
    if (idle.length >= this.maxIdlePerParent) {
      await rm(dir, { recursive: true, force: true });
      return;
    }
    // What the work left (a copy it read, a failed step's output) goes through libuv's thread pool:
    // a large file's unlink must not hold the event loop. A removal that fails keeps the folder out.
    await Promise.all(entries.map((name) => rm(join(dir, name), { recursive: true, force: true })));
    idle.push({ dir, since: this.now() });
    this.idle.set(parent, idle);
    this.removeIdleOnExit();
  }

  /** Removes every idle folder now. */
  drain(): void {
    for (const idle of this.idle.values()) {
      for (const { dir } of idle.splice(0)) {
        try {
          rmdirSync(dir);
        } catch {
          // Gone already, or no longer empty: the sweep of leftovers takes it.
        }
      }
    }
  }

  /** The parent is made (private to the service) on first use, rather than asked for before every folder. */
  private make(parent: string): string {
    return inFolderMadeOnDemand(parent, () => mkdtempSync(join(parent, this.prefix)), () => mkdirSync(parent, { recursive: true, mode: 0o700 }));
  }

  private removeIdleOnExit(): void {
    if (this.exitHookSet) return;
    this.exitHookSet = true;
    process.once('exit', () => this.drain());
  }
}
