import { PdfSignError } from '../errors';
import type { ByteSource } from './byte-source';

const KEYWORD = 'endstream';
const CHUNK = 64 * 1024;

/**
 * Finds the "endstream" that ends a stream whose /Length is wrong or unknown, as readers do. The
 * last answer is remembered (the first "endstream" after p is also the first after any q between
 * p and it), and the bytes searched in all are bounded: streams read in an order that makes each
 * search run over what the last one covered would otherwise read a file over and over.
 */
export class EndstreamFinder {
  private searchedFrom = -1;
  private found = -1;
  private scanned = 0;
  private readonly maxScanned: number;

  constructor(private readonly src: ByteSource) {
    this.maxScanned = 4 * src.length + 1024 * 1024;
  }

  /** Offset of the first "endstream" at or after `pos`, or -1 when there is none. */
  next(pos: number): number {
    if (this.searchedFrom >= 0 && pos >= this.searchedFrom && (this.found < 0 || pos <= this.found)) return this.found;
    let found = -1;
    for (let from = pos; from < this.src.length; from += CHUNK - KEYWORD.length) {
      const chunk = this.src.read(from, CHUNK);
      this.scanned += chunk.length;
      if (this.scanned > this.maxScanned) {
        throw new PdfSignError('BUDGET_EXCEEDED', 'too many streams without a usable /Length: finding where they end would read the file over and over');
      }
      const idx = chunk.indexOf(KEYWORD);
      if (idx >= 0) {
        found = from + idx;
        break;
      }
    }
    this.searchedFrom = pos;
    this.found = found;
    return found;
  }
}
