import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { EdocConfig } from '@edoc/config';
import type { FileRef } from '@edoc/contracts';
import { PermanentMessageError } from '@edoc/messaging';
import { EDOC_CONFIG, OBJECT_STORE } from '@edoc/runtime';
import { InvalidObjectKeyError, ObjectNotFoundError, type ObjectStore, scratchPath, sweepScratchFolders, withScratchFolder, writeTempFile, type WrittenTemp } from '@edoc/storage';

/** Archiving a document takes seconds: an older scratch folder was left by a process killed mid-work. */
const LEFTOVER_AGE_MS = 60 * 60_000;

/** A file of an issued document copied out of the files bucket: where it is, its SHA-256 and size. */
export type LocalCopy = WrittenTemp;

/**
 * The issued files archival keeps, copied from the files bucket into a scratch folder so that
 * they are streamed, never held whole: into the archive, and past the checks that read them.
 */
@Injectable()
export class IssuedFilesRepository implements OnApplicationBootstrap {
  private readonly logger = new Logger(IssuedFilesRepository.name);
  private readonly scratch: string;

  constructor(
    @Inject(OBJECT_STORE) private readonly files: ObjectStore,
    @Inject(EDOC_CONFIG) config: Pick<EdocConfig, 'dataDir'>,
  ) {
    this.scratch = scratchPath(config, 'archival');
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      const removed = await sweepScratchFolders(this.scratch, LEFTOVER_AGE_MS);
      if (removed > 0) this.logger.warn(`removed ${removed} scratch folder(s) under ${this.scratch} left by an earlier process`);
    } catch (error) {
      // Leftovers cost disk space, not correctness: archival can start anyway.
      this.logger.warn(`could not sweep ${this.scratch}: ${(error as Error).message}`);
    }
  }

  /**
   * Copies, one after the other, the files the claim checks name, each checked against its digest
   * (the archive must keep exactly what was issued), and runs `use` on the copies; they are removed
   * afterwards, whatever happened.
   */
  withLocalCopies<T>(refs: readonly FileRef[], use: (copies: LocalCopy[]) => Promise<T>): Promise<T> {
    return withScratchFolder(async (dir) => {
      const copies: LocalCopy[] = [];
      for (const ref of refs) copies.push(await this.copyOut(ref, dir));
      return use(copies);
    }, this.scratch);
  }

  private async copyOut(ref: FileRef, dir: string): Promise<LocalCopy> {
    let stream: Readable;
    try {
      stream = await this.files.getStream(ref.objectKey);
    } catch (error) {
      if (error instanceof ObjectNotFoundError || error instanceof InvalidObjectKeyError) throw new PermanentMessageError(`claim check points at a missing object ${ref.objectKey}`);
      throw error;
    }
    // Not fsynced: the copy is read back at once and deleted; the files bucket keeps the original.
    const copy = await writeTempFile(dir, stream, { durable: false });
    if (ref.sha256 !== '' && copy.sha256 !== ref.sha256) throw new PermanentMessageError(`object ${ref.objectKey} does not hash to the claim check's SHA-256 ${ref.sha256}`);
    return copy;
  }
}
