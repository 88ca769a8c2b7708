import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { join } from 'node:path';
import type { EdocConfig } from '@edoc/config';
import { create, type FileRef, FileRefSchema } from '@edoc/contracts';
import { ClaimCheckScratch, EDOC_CONFIG, OBJECT_STORE } from '@edoc/runtime';
import { type ObjectStore, scratchPath } from '@edoc/storage';

/** Writes `output` from the PDF at `input`; both are paths in a scratch folder. */
export type PdfFileTransform = (input: string, output: string) => Promise<unknown>;

/**
 * The PDFs signing works on, kept as files rather than buffers so memory stays flat whatever their
 * size: the file a claim check names is copied out of the store into a scratch folder (checked
 * against its SHA-256 on the way), transformed file to file, and the result handed to the store,
 * which hashes it and moves it into place. The scratch folder goes afterwards, whatever happened.
 */
@Injectable()
export class PdfFilesRepository implements OnApplicationBootstrap {
  private readonly logger = new Logger(PdfFilesRepository.name);
  private readonly scratch: ClaimCheckScratch;

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(EDOC_CONFIG) config: EdocConfig,
  ) {
    this.scratch = new ClaimCheckScratch(store, scratchPath(config, 'signing'));
  }

  onApplicationBootstrap(): Promise<void> {
    return this.scratch.sweepLeftovers(this.logger);
  }

  /** Runs `read` on a local copy of the file `ref` names (checked against its SHA-256), then removes the copy. */
  async withLocalCopy<T>(ref: FileRef, read: (path: string) => Promise<T>): Promise<T> {
    return this.scratch.inWorkFolder(async (dir) => read((await this.scratch.copyOut(ref, dir)).path));
  }

  /** Runs `transform` on a local copy of the file `ref` names and stores what it wrote, as `fileName`. */
  async transform(ref: FileRef, fileName: string, transform: PdfFileTransform): Promise<FileRef> {
    return this.scratch.inWorkFolder(async (dir) => {
      const input = await this.scratch.copyOut(ref, dir);
      const output = join(dir, 'output.pdf');
      await transform(input.path, output);
      // The store takes the output (moved into place on the same disk): one file fewer created per signature.
      const stored = await this.store.putFile(output, { mediaType: 'application/pdf' });
      return create(FileRefSchema, { objectKey: stored.key, sha256: stored.sha256, size: BigInt(stored.size), mediaType: 'application/pdf', fileName });
    });
  }
}
