import { writeSync } from 'node:fs';
import { PdfSignError } from '../errors';

/** Where a rewritten file goes: memory for signPdf, a file for signPdfFile (flat memory). */
export interface ByteSink {
  write(chunk: Buffer): void;
  readonly length: number;
}

export class BufferSink implements ByteSink {
  private readonly chunks: Buffer[] = [];
  length = 0;

  write(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

export class FileSink implements ByteSink {
  length = 0;

  constructor(
    private readonly fd: number,
    private readonly path: string,
  ) {}

  write(chunk: Buffer): void {
    try {
      let done = 0;
      while (done < chunk.length) done += writeSync(this.fd, chunk, done, chunk.length - done, this.length + done);
    } catch (e) {
      throw new PdfSignError('IO_ERROR', `cannot write ${this.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    this.length += chunk.length;
  }
}
