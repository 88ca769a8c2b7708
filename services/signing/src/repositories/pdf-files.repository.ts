import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { EdocConfig } from '@edoc/config';
import { create, type FileRef, FileRefSchema } from '@edoc/contracts';
import { PermanentMessageError } from '@edoc/messaging';
import { EDOC_CONFIG, OBJECT_STORE } from '@edoc/runtime';
import { InvalidObjectKeyError, ObjectNotFoundError, type ObjectStore, scratchPath, sweepScratchFolders, withScratchFolder, writeTempFile } from '@edoc/storage';

/** No signature takes an hour: an older scratch folder was left by a process killed mid-work. */
const LEFTOVER_AGE_MS = 60 * 60_000;

/** Writes `output` from the PDF at `input`; both are paths in a scratch folder. */
export type PdfFileTransform = (input: string, output: string) => Promise<unknown>;

/**
 * The PDFs signing works on, kept as files rather than buffers so memory stays flat whatever their
 * size: the file a claim check names is copied out of the store into a scratch folder (checked
 * against its SHA-256 on the way), transformed file to file, and the result streamed back into
 * the store, which hashes it on the way in. The scratch folder goes afterwards, whatever happened.
 */
@Injectable()
export class PdfFilesRepository implements OnApplicationBootstrap {
  private readonly logger = new Logger(PdfFilesRepository.name);
  private readonly scratch: string;

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(EDOC_CONFIG) config: EdocConfig,
  ) {
    this.scratch = scratchPath(config, 'signing');
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      const removed = await sweepScratchFolders(this.scratch, LEFTOVER_AGE_MS);
      if (removed > 0) this.logger.warn(`removed ${removed} scratch folder(s) under ${this.scratch} left by an earlier process`);
    } catch (error) {
      // Leftovers cost disk space, not correctness: signing can start anyway.
      this.logger.warn(`could not sweep ${this.scratch}: ${(error as Error).message}`);
    }
  }

  /** Runs `transform` on a local copy of the file `ref` names and stores what it wrote, as `fileName`. */
  async transform(ref: FileRef, fileName: string, transform: PdfFileTransform): Promise<FileRef> {
    return withScratchFolder(async (dir) => {
      const input = await this.copyOut(ref, dir);
      const output = join(dir, 'output.pdf');
      await transform(input, output);
      const stored = await this.store.put(createReadStream(output), { mediaType: 'application/pdf' });
      return create(FileRefSchema, { objectKey: stored.key, sha256: stored.sha256, size: BigInt(stored.size), mediaType: 'application/pdf', fileName });
    }, this.scratch);
  }

  /** A claim check that names no object, or other bytes than its digest, can never be signed: that is final. */
  private async copyOut(ref: FileRef, dir: string): Promise<string> {
    let stream: Readable;
    try {
      stream = await this.store.getStream(ref.objectKey);
    } catch (error) {
      if (error instanceof ObjectNotFoundError || error instanceof InvalidObjectKeyError) {
        throw new PermanentMessageError(`claim check points at a missing object ${ref.objectKey}`);
      }
      throw error;
    }
    // Not fsynced: the copy is read once and deleted; the store holds the durable original.
    const copy = await writeTempFile(dir, stream, { durable: false });
    if (copy.sha256 !== ref.sha256) throw new PermanentMessageError(`object ${ref.objectKey} does not have SHA-256 ${ref.sha256}`);
    return copy.path;
  }
}
