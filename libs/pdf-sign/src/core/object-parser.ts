import { PdfSignError } from '../errors';
import type { ByteSource } from './byte-source';
import { ByteBuilder } from './byte-builder';
import { EndstreamFinder } from './endstream-finder';
import { PdfDict, PdfName, type PdfObject, PdfRef, PdfStream, PdfString } from './pdf-objects';

const WHITESPACE = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) WHITESPACE[c] = 1;
const DELIMITER = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIMITER[c.charCodeAt(0)] = 1;
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;

/** Used when no budget is given: objects inside object streams and xref sections. */
const DEFAULT_MAX_DEPTH = 100;
const MAX_NAME_BYTES = 64 * 1024;

export interface ObjectHeader {
  readonly num: number;
  readonly gen: number;
}

export interface ParserOptions {
  /** Resolves an indirect /Length of a stream; undefined when unknown (the end is then searched for). */
  readonly lengthOf?: (value: PdfObject | undefined) => number | undefined;
  /** Record string spans only for objects read straight from the file. */
  readonly recordSpans?: boolean;
  readonly maxDepth?: number;
  /** Shared by the parsers of one file, so that searches for "endstream" are not repeated. */
  readonly endstreams?: EndstreamFinder;
}

export interface ParsedIndirect {
  readonly num: number;
  readonly gen: number;
  readonly value: PdfObject;
  readonly end: number;
}

/**
 * A recursive-descent reader of PDF objects (ISO 32000-1 section 7.3) over a ByteSource.
 * `lengthOf` resolves an indirect /Length of a stream. The recursion is bounded by `maxDepth`,
 * so no input can exhaust the stack.
 */
export class ObjectParser {
  pos = 0;
  private depth = 0;

  private readonly lengthOf: (value: PdfObject | undefined) => number | undefined;
  private readonly recordSpans: boolean;
  private readonly maxDepth: number;
  private readonly endstreams: EndstreamFinder;

  constructor(
    private readonly src: ByteSource,
    options: ParserOptions = {},
  ) {
    this.lengthOf = options.lengthOf ?? ((v) => (typeof v === 'number' ? v : undefined));
    this.recordSpans = options.recordSpans ?? true;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.endstreams = options.endstreams ?? new EndstreamFinder(src);
  }

  fail(what: string, at = this.pos): never {
    throw new PdfSignError('MALFORMED_PDF', `malformed PDF object at byte ${at}: ${what}`);
  }

  skipWhitespace(): void {
    const src = this.src;
    for (;;) {
      const c = src.byteAt(this.pos);
      if (c < 0) return;
      if (WHITESPACE[c]) {
        this.pos++;
      } else if (c === 0x25 /* % */) {
        while (this.pos < src.length && src.byteAt(this.pos) !== 0x0a && src.byteAt(this.pos) !== 0x0d) this.pos++;
      } else {
        return;
      }
    }
  }

  /** Reads a bare keyword or number token without consuming what follows. */
  readRegular(): string {
    this.skipWhitespace();
    const start = this.pos;
    let s = '';
    for (;;) {
      const c = this.src.byteAt(this.pos);
      if (c < 0 || WHITESPACE[c] || DELIMITER[c]) break;
      s += String.fromCharCode(c);
      this.pos++;
      if (this.pos - start > 256) this.fail('token too long', start);
    }
    return s;
  }

  expectKeyword(keyword: string): void {
    const at = this.pos;
    const got = this.readRegular();
    if (got !== keyword) this.fail(`expected "${keyword}" but found "${got.slice(0, 20)}"`, at);
  }

  /** "num gen obj <object> [stream…endstream] endobj" */
  parseIndirect(at: number): ParsedIndirect {
    return this.parseIndirectBody(this.readObjectHeader(at));
  }

  /** "num gen obj": whether an object starts at `at` at all, before reading what it holds. */
  readObjectHeader(at: number): ObjectHeader {
    this.pos = at;
    const num = this.readInteger('object number');
    const gen = this.readInteger('generation number');
    this.expectKeyword('obj');
    return { num, gen };
  }

  /** The rest of an indirect object, after readObjectHeader. */
  parseIndirectBody({ num, gen }: ObjectHeader): ParsedIndirect {
    let value = this.parseValue();
    this.skipWhitespace();
    if (value instanceof PdfDict && this.peekKeyword('stream')) value = this.parseStreamBody(value);
    const save = this.pos;
    if (this.readRegular() !== 'endobj') this.pos = save; // tolerated: many writers get this wrong
    return { num, gen, value, end: this.pos };
  }

  readInteger(what: string): number {
    const at = this.pos;
    const tok = this.readRegular();
    if (!/^\d+$/.test(tok)) this.fail(`expected ${what} but found "${tok.slice(0, 20)}"`, at);
    return Number(tok);
  }

  peekKeyword(keyword: string): boolean {
    for (let i = 0; i < keyword.length; i++) if (this.src.byteAt(this.pos + i) !== keyword.charCodeAt(i)) return false;
    const next = this.src.byteAt(this.pos + keyword.length);
    return next < 0 || WHITESPACE[next] === 1 || DELIMITER[next] === 1;
  }

  parseValue(): PdfObject {
    this.skipWhitespace();
    const start = this.pos;
    const c = this.src.byteAt(this.pos);
    if (c < 0) this.fail('unexpected end of file');
    if (++this.depth > this.maxDepth) {
      this.depth--;
      throw new PdfSignError('NESTING_TOO_DEEP', `malformed PDF object at byte ${start}: arrays and dictionaries nested more than ${this.maxDepth} levels deep`);
    }
    try {
      switch (c) {
        case 0x2f: // /
          return this.parseName();
        case 0x28: // (
          return this.parseLiteralString(start);
        case 0x3c: // <
          if (this.src.byteAt(this.pos + 1) === 0x3c) return this.parseDict();
          return this.parseHexString(start);
        case 0x5b: // [
          return this.parseArray();
        default:
          break;
      }
      const tok = this.readRegular();
      if (tok === '') this.fail(`unexpected character "${String.fromCharCode(c)}"`, start);
      if (tok === 'true') return true;
      if (tok === 'false') return false;
      if (tok === 'null') return null;
      if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(tok)) {
        if (/^\d+$/.test(tok)) {
          // Maybe "num gen R".
          const save = this.pos;
          const gen = this.readRegular();
          if (/^\d+$/.test(gen)) {
            const r = this.readRegular();
            if (r === 'R') return new PdfRef(Number(tok), Number(gen));
          }
          this.pos = save;
        }
        return Number(tok);
      }
      return this.fail(`unexpected token "${tok.slice(0, 20)}"`, start);
    } finally {
      this.depth--;
    }
  }

  private parseName(): PdfName {
    const start = this.pos;
    this.pos++; // '/'
    const bytes = new ByteBuilder();
    for (;;) {
      const c = this.src.byteAt(this.pos);
      if (c < 0 || WHITESPACE[c] || DELIMITER[c]) break;
      if (bytes.length >= MAX_NAME_BYTES) this.fail(`a name longer than ${MAX_NAME_BYTES} bytes`, start);
      if (c === 0x23 /* # */) {
        const hex = String.fromCharCode(this.src.byteAt(this.pos + 1), this.src.byteAt(this.pos + 2));
        if (/^[0-9a-fA-F]{2}$/.test(hex)) {
          bytes.push(parseInt(hex, 16));
          this.pos += 3;
          continue;
        }
      }
      bytes.push(c);
      this.pos++;
    }
    return PdfName.of(bytes.toBuffer().toString('latin1'));
  }

  private parseLiteralString(start: number): PdfString {
    this.pos++;
    const out = new ByteBuilder();
    let nesting = 1;
    for (;;) {
      const c = this.src.byteAt(this.pos++);
      if (c < 0) this.fail('unterminated string', start);
      if (c === 0x5c /* \ */) {
        const e = this.src.byteAt(this.pos++);
        const simple: Record<number, number> = { 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x62: 0x08, 0x66: 0x0c, 0x28: 0x28, 0x29: 0x29, 0x5c: 0x5c };
        if (simple[e] !== undefined) out.push(simple[e]);
        else if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let i = 0; i < 2; i++) {
            const d = this.src.byteAt(this.pos);
            if (d < 0x30 || d > 0x37) break;
            v = v * 8 + (d - 0x30);
            this.pos++;
          }
          out.push(v & 0xff);
        } else if (e === 0x0d) {
          if (this.src.byteAt(this.pos) === 0x0a) this.pos++;
        } else if (e !== 0x0a) {
          out.push(e);
        }
        continue;
      }
      if (c === 0x28) nesting++;
      if (c === 0x29 && --nesting === 0) break;
      out.push(c);
    }
    return new PdfString(out.toBuffer(), false, this.recordSpans ? { start, end: this.pos } : undefined);
  }

  private parseHexString(start: number): PdfString {
    this.pos++;
    const out = new ByteBuilder();
    let high = -1;
    for (;;) {
      const c = this.src.byteAt(this.pos++);
      if (c < 0) this.fail('unterminated hex string', start);
      if (c === 0x3e) break;
      if (WHITESPACE[c]) continue;
      const digit = HEX_VALUE[c];
      if (digit < 0) this.fail(`invalid character "${String.fromCharCode(c)}" in hex string`, this.pos - 1);
      if (high < 0) high = digit;
      else {
        out.push(high * 16 + digit);
        high = -1;
      }
    }
    if (high >= 0) out.push(high * 16); // an odd digit count ends with an implied 0
    return new PdfString(out.toBuffer(), true, this.recordSpans ? { start, end: this.pos } : undefined);
  }

  private parseArray(): PdfObject[] {
    const start = this.pos;
    this.pos++;
    const items: PdfObject[] = [];
    for (;;) {
      this.skipWhitespace();
      const c = this.src.byteAt(this.pos);
      if (c < 0) this.fail('unterminated array', start);
      if (c === 0x5d) {
        this.pos++;
        return items;
      }
      items.push(this.parseValue());
    }
  }

  private parseDict(): PdfDict {
    const start = this.pos;
    this.pos += 2;
    const dict = new PdfDict();
    for (;;) {
      this.skipWhitespace();
      const c = this.src.byteAt(this.pos);
      if (c < 0) this.fail('unterminated dictionary', start);
      if (c === 0x3e && this.src.byteAt(this.pos + 1) === 0x3e) {
        this.pos += 2;
        return dict;
      }
      if (c !== 0x2f) this.fail('dictionary key is not a name');
      const key = this.parseName().value;
      this.skipWhitespace();
      if (this.src.byteAt(this.pos) === 0x3e && this.src.byteAt(this.pos + 1) === 0x3e) {
        dict.set(key, null); // key without value: treat as null, as readers do
        continue;
      }
      dict.set(key, this.parseValue());
    }
  }

  private parseStreamBody(dict: PdfDict): PdfStream {
    this.pos += 'stream'.length;
    if (this.src.byteAt(this.pos) === 0x0d) this.pos++;
    if (this.src.byteAt(this.pos) === 0x0a) this.pos++;
    const dataStart = this.pos;
    let length = this.lengthOf(dict.get('Length'));
    if (length === undefined || !Number.isSafeInteger(length) || length < 0 || !this.endstreamAt(dataStart + length)) {
      length = this.findEndstream(dataStart);
    }
    this.pos = dataStart + length;
    this.skipWhitespace();
    if (this.peekKeyword('endstream')) this.pos += 'endstream'.length;
    return new PdfStream(dict, this.src, dataStart, length);
  }

  private endstreamAt(pos: number): boolean {
    let p = pos;
    while (p < this.src.length && WHITESPACE[this.src.byteAt(p)]) p++;
    const kw = 'endstream';
    for (let i = 0; i < kw.length; i++) if (this.src.byteAt(p + i) !== kw.charCodeAt(i)) return false;
    return true;
  }

  // A wrong /Length is common enough that readers recover by searching for the keyword.
  private findEndstream(dataStart: number): number {
    const at = this.endstreams.next(dataStart);
    if (at < 0) return this.fail('stream without endstream', dataStart);
    let end = at;
    if (end > dataStart && this.src.byteAt(end - 1) === 0x0a) end--;
    if (end > dataStart && this.src.byteAt(end - 1) === 0x0d) end--;
    return end - dataStart;
  }
}
