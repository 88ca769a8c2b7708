import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { EdocConfig } from '@edoc/config';
import type { FileRef } from '@edoc/contracts';
import { ClaimCheckScratch, EDOC_CONFIG, OBJECT_STORE } from '@edoc/runtime';
import { type ObjectStore, scratchPath, type WrittenTemp } from '@edoc/storage';

/** A file of an issued document copied out of the files bucket: where it is, its SHA-256 and size. */
export type LocalCopy = WrittenTemp;

/**
 * The issued files archival keeps, copied from the files bucket into a scratch folder so that
 * they are streamed, never held whole: into the archive, and past the checks that read them.
 */
@Injectable()
export class IssuedFilesRepository implements OnApplicationBootstrap {
  private readonly logger = new Logger(IssuedFilesRepository.name);
  private readonly scratch: ClaimCheckScratch;

  constructor(@Inject(OBJECT_STORE) files: ObjectStore, @Inject(EDOC_CONFIG) config: Pick<EdocConfig, 'dataDir'>) {
    this.scratch = new ClaimCheckScratch(files, scratchPath(config, 'archival'));
  }

  onApplicationBootstrap(): Promise<void> {
    return this.scratch.sweepLeftovers(this.logger);
  }

  /**
   * Copies, one after the other, the files the claim checks name, each checked against its digest
   * (the archive must keep exactly what was issued), and runs `use` on the copies; they are removed
   * afterwards, whatever happened.
   */
  withLocalCopies<T>(refs: readonly FileRef[], use: (copies: LocalCopy[]) => Promise<T>): Promise<T> {
    return this.scratch.inWorkFolder(async (dir) => {
      const copies: LocalCopy[] = [];
      for (const ref of refs) copies.push(await this.scratch.copyOut(ref, dir, 'if-given'));
      return use(copies);
    });
  }
}
