import { randomUUID } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { hashingPassThrough, inFolderMadeOnDemandAsync, removeFile } from '@edoc/storage';

/** What multer hands a storage engine for each file part (multer has no typings of its own here). */
interface MulterFilePart {
  fieldname: string;
  originalname: string;
  stream: Readable;
}

type Done = (error: Error | null, info?: { path: string; sha256: string; size: number }) => void;

/**
 * A multer storage engine that streams each uploaded file to a file of its own in `dir`, hashing
 * it on the way: an upload of any size costs a few buffers of memory. The file goes away when the
 * response is over, whatever happened (the submission has stored what it keeps by then), and when
 * multer gives up on the request (a limit exceeded, a client that went away).
 */
export class StagingStorage {
  constructor(private readonly dir: string) {}

  _handleFile(request: IncomingMessage & { res?: ServerResponse }, file: MulterFilePart, done: Done): void {
    this.stage(file.stream)
      .then((staged) => {
        // A removal that fails (the folder made unwritable, say) must not end the process as an
        // unhandled rejection: the orphan sweeper removes what is left, later.
        const remove = () => void removeFile(staged.path).catch(() => undefined);
        if (request.res === undefined || request.res.closed) remove();
        else request.res.once('close', remove);
        done(null, staged);
      })
      .catch((error: Error) => done(error));
  }

  _removeFile(_request: IncomingMessage, file: { path?: string }, done: (error: Error | null) => void): void {
    if (file.path === undefined) return done(null);
    removeFile(file.path).then(() => done(null), done);
  }

  private async stage(stream: Readable): Promise<{ path: string; sha256: string; size: number }> {
    const path = join(this.dir, `${randomUUID()}.upload`);
    // The folder is made when the first upload finds it missing, not asked for before each one.
    const file = await inFolderMadeOnDemandAsync(this.dir, () => open(path, 'wx', 0o600), 0o700);
    const meter = hashingPassThrough();
    try {
      await pipeline(stream, meter.stage, file.createWriteStream());
    } catch (error) {
      await removeFile(path);
      throw error;
    }
    return { path, ...meter.result() };
  }
}
