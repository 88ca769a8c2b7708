import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DeliveryJournal, JournalEntry } from './delivery-journal';

export interface JsonLinesJournalOptions {
  /** Entries older than this are forgotten when the file is compacted at open; default 400 days. */
  retentionDays?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The delivery journal as a JSON Lines file: one line per change, appended and fsynced before
 * `put` resolves, replayed at open (the last line of a key wins). A line cut short by a crash is
 * dropped; the file is compacted at open when most of it is history. A lock file next to it keeps
 * a second process from using the same journal.
 */
export class JsonLinesDeliveryJournal implements DeliveryJournal {
  private readonly entries = new Map<string, JournalEntry>();
  private readonly messages = new Map<string, string>();
  private writes: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly lockPath: string,
    private handle: FileHandle | undefined,
  ) {}

  static async open(path: string, opts: JsonLinesJournalOptions = {}): Promise<JsonLinesDeliveryJournal> {
    mkdirSync(dirname(path), { recursive: true });
    const lockPath = `${path}.lock`;
    acquireLock(lockPath, path);
    const journal = new JsonLinesDeliveryJournal(path, lockPath, undefined);
    try {
      await journal.load(opts.retentionDays ?? 400);
      journal.handle = await open(path, 'a');
    } catch (error) {
      releaseLock(lockPath);
      throw error;
    }
    return journal;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): JournalEntry | undefined {
    return this.entries.get(key);
  }

  byMessageId(messageId: string): JournalEntry | undefined {
    const key = this.messages.get(messageId);
    return key === undefined ? undefined : this.entries.get(key);
  }

  put(entry: JournalEntry): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`the journal ${this.path} is closed`));
    const copy: JournalEntry = { ...entry, messageIds: [...entry.messageIds] };
    const line = `${JSON.stringify(copy)}\n`;
    const write = this.writes.then(async () => {
      await this.handle!.write(line);
      await this.handle!.datasync();
      this.remember(copy);
    });
    // A failed write must not poison later ones; the caller of this put sees the failure.
    this.writes = write.catch(() => undefined);
    return write;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writes;
    await this.handle?.close();
    releaseLock(this.lockPath);
  }

  private remember(entry: JournalEntry): void {
    this.entries.set(entry.key, entry);
    for (const id of entry.messageIds) this.messages.set(id, entry.key);
  }

  private async load(retentionDays: number): Promise<void> {
    if (!existsSync(this.path)) return;
    const text = readFileSync(this.path, 'utf8');
    const lines = text.split('\n');
    // Whatever follows the last newline was cut short by a crash during append.
    const torn = lines.pop() !== '';
    let lineCount = 0;
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      lineCount++;
      this.remember(parseEntry(line, index + 1, this.path));
    });
    const cutoff = Date.now() - retentionDays * DAY_MS;
    let pruned = 0;
    for (const [key, entry] of this.entries) {
      if (Date.parse(entry.updatedAt) < cutoff) {
        this.entries.delete(key);
        for (const id of entry.messageIds) this.messages.delete(id);
        pruned++;
      }
    }
    if (torn || pruned > 0 || lineCount > 2 * this.entries.size + 100) await this.compact();
  }

  /** Rewrites the file with one line per entry: a temp file, fsynced, renamed over the old one. */
  private async compact(): Promise<void> {
    const temp = `${this.path}.compact-${process.pid}`;
    const file = await open(temp, 'w');
    try {
      await file.write([...this.entries.values()].map((entry) => `${JSON.stringify(entry)}\n`).join(''));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, this.path);
    const dir = await open(dirname(this.path), 'r');
    await dir.sync().catch(() => undefined);
    await dir.close();
  }
}

function parseEntry(line: string, lineNumber: number, path: string): JournalEntry {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error(`the journal ${path} is damaged at line ${lineNumber} (not JSON): repair or move it before starting again`);
  }
  const entry = value as Partial<JournalEntry>;
  const valid =
    typeof entry === 'object' && entry !== null &&
    typeof entry.key === 'string' && typeof entry.deliveryId === 'string' && typeof entry.documentId === 'string' &&
    (entry.state === 'stored' || entry.state === 'reported') &&
    Array.isArray(entry.messageIds) && entry.messageIds.every((id) => typeof id === 'string') &&
    typeof entry.arrivedReportId === 'string' && typeof entry.updatedAt === 'string';
  if (!valid) throw new Error(`the journal ${path} is damaged at line ${lineNumber} (not a journal entry): repair or move it before starting again`);
  return entry as JournalEntry;
}

function acquireLock(lockPath: string, journalPath: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new Error(`the journal ${journalPath} is in use by process ${holder}: run one ward client per journal`);
      }
      // The holder is gone (crash, kill -9): its lock is stale.
      unlinkSync(lockPath);
    }
  }
  throw new Error(`cannot lock the journal ${journalPath}: ${lockPath} keeps coming back`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseLock(lockPath: string): void {
  try {
    unlinkSync(lockPath);
  } catch {
    // already gone
  }
}
