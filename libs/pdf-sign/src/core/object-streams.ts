import { PdfSignError } from '../errors';
import { BufferSource } from './byte-source';
import { decodeStream } from './filters';
import { ObjectParser } from './object-parser';
import type { PdfObject, PdfStream } from './pdf-objects';
import type { ReadLimits } from './read-budget';

interface DecodedObjectStream {
  readonly source: BufferSource;
  /** Object number → offset of its value in the decoded data. */
  readonly offsets: ReadonlyMap<number, number>;
}

// By bytes, not by count: sixteen object streams of 32 MB each would otherwise stay in memory.
const MAX_CACHED_BYTES = 48 * 1024 * 1024;

/** Decoded object streams (ISO 32000-1 7.5.7), kept while they fit the cache. */
export class ObjectStreams {
  private readonly cache = new Map<number, DecodedObjectStream>();
  private cachedBytes = 0;

  constructor(private readonly limits: ReadLimits) {}

  /** The object numbers an object stream holds. */
  members(streamNum: number, stream: PdfStream): number[] {
    return [...this.decoded(streamNum, stream).offsets.keys()];
  }

  /** The value of object `num` inside the object stream, or undefined when it is not there. */
  objectIn(streamNum: number, stream: PdfStream, num: number): PdfObject | undefined {
    const decoded = this.decoded(streamNum, stream);
    const at = decoded.offsets.get(num);
    if (at === undefined) return undefined;
    if (at >= decoded.source.length) throw new PdfSignError('MALFORMED_PDF', `object stream ${streamNum}: object ${num} is said to start at byte ${at}, past its ${decoded.source.length} bytes`);
    const parser = new ObjectParser(decoded.source, { recordSpans: false, maxDepth: this.limits.maxNestingDepth });
    parser.pos = at;
    try {
      return parser.parseValue();
    } catch (e) {
      // The parser counts bytes of the decoded stream, not of the file: say which stream.
      if (e instanceof PdfSignError) throw new PdfSignError(e.code, `object ${num} in object stream ${streamNum}: ${e.message}`);
      throw e;
    }
  }

  private decoded(streamNum: number, stream: PdfStream): DecodedObjectStream {
    const cached = this.cache.get(streamNum);
    if (cached) {
      // Most recently used last, so eviction takes the oldest.
      this.cache.delete(streamNum);
      this.cache.set(streamNum, cached);
      return cached;
    }
    const what = `object stream ${streamNum}`;
    const n = stream.dict.get('N');
    const first = stream.dict.get('First');
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || typeof first !== 'number' || !Number.isInteger(first) || first < 0) {
      throw new PdfSignError('MALFORMED_PDF', `${what} lacks a usable /N or /First`);
    }
    this.limits.countObjects(n, what);
    const data = decodeStream(stream, what, this.limits);
    // Each entry of the header takes at least four bytes ("1 0 "): a larger /N is a lie.
    if (n * 4 > data.length) throw new PdfSignError('MALFORMED_PDF', `${what} claims ${n} objects in ${data.length} bytes`);
    const source = new BufferSource(data);
    const header = new ObjectParser(source, { recordSpans: false, maxDepth: this.limits.maxNestingDepth });
    const offsets = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const objNum = header.readInteger('object number in object stream');
      const off = header.readInteger('offset in object stream');
      if (!offsets.has(objNum)) offsets.set(objNum, first + off);
    }
    const decoded = { source, offsets };
    this.cache.set(streamNum, decoded);
    this.cachedBytes += data.length;
    for (const [key, old] of this.cache) {
      if (this.cachedBytes <= MAX_CACHED_BYTES || key === streamNum) break;
      this.cache.delete(key);
      this.cachedBytes -= old.source.length;
    }
    return decoded;
  }
}
