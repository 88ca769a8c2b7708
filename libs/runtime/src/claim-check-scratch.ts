import type { Readable } from 'node:stream';
import type { LoggerService } from '@nestjs/common';
import type { FileRef } from '@edoc/contracts';
import { PermanentMessageError } from '@edoc/messaging';
import { InvalidObjectKeyError, ObjectNotFoundError, type ObjectStore, sweepScratchFolders, withScratchFolder, writeTempFile, type WrittenTemp } from '@edoc/storage';

/** No work on one document takes an hour: an older scratch folder was left by a process killed mid-work. */
const LEFTOVER_AGE_MS = 60 * 60_000;

/**
 * Where a consumer works on the files that claim checks name, as files rather than buffers so that
 * memory stays flat whatever their size: each piece of work gets a private folder, removed
 * afterwards whatever happened, and copies checked against their claim check's SHA-256.
 */
export class ClaimCheckScratch {
  constructor(
    private readonly store: ObjectStore,
    /** The folder under which work folders are made (scratchPath of the data folder). */
    readonly folder: string,
  ) {}

  /** Removes the work folders of a process killed mid-work. Leftovers cost disk, not correctness: never fatal. */
  async sweepLeftovers(logger: LoggerService): Promise<void> {
    try {
      const removed = await sweepScratchFolders(this.folder, LEFTOVER_AGE_MS);
      if (removed > 0) logger.warn(`removed ${removed} scratch folder(s) under ${this.folder} left by an earlier process`);
    } catch (error) {
      logger.warn(`could not sweep ${this.folder}: ${(error as Error).message}`);
    }
  }

  /** Runs `use` in a new work folder, removed afterwards. */
  inWorkFolder<T>(use: (dir: string) => Promise<T>): Promise<T> {
    return withScratchFolder(use, this.folder);
  }

  /**
   * Copies the object `ref` names into `dir`. A claim check that names no object, or other bytes
   * than its digest, can never be processed: that is a permanent error (dead letter), not a retry.
   * An empty digest is checked only when `digest` is 'required'.
   */
  async copyOut(ref: FileRef, dir: string, digest: 'required' | 'if-given' = 'required'): Promise<WrittenTemp> {
    let stream: Readable;
    try {
      stream = await this.store.getStream(ref.objectKey);
    } catch (error) {
      if (error instanceof ObjectNotFoundError || error instanceof InvalidObjectKeyError) throw new PermanentMessageError(`claim check points at a missing object ${ref.objectKey}`);
      throw error;
    }
    // Not fsynced: the copy is read back at once and deleted; the store keeps the durable original.
    const copy = await writeTempFile(dir, stream, { durable: false });
    const checked = digest === 'required' || ref.sha256 !== '';
    if (checked && copy.sha256 !== ref.sha256) throw new PermanentMessageError(`object ${ref.objectKey} does not hash to the claim check's SHA-256 ${ref.sha256 === '' ? '(none given)' : ref.sha256}`);
    return copy;
  }
}
