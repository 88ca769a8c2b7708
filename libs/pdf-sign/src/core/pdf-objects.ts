import type { ByteSource } from './byte-source';

/** The PDF object model: plain JS values where they fit, small classes where they do not. */
export type PdfObject = null | boolean | number | PdfName | PdfString | PdfRef | PdfObject[] | PdfDict | PdfStream | PdfRaw;

export class PdfName {
  private static readonly interned = new Map<string, PdfName>();

  private constructor(readonly value: string) {}

  static of(value: string): PdfName {
    let n = PdfName.interned.get(value);
    if (!n) {
      n = new PdfName(value);
      // The table lives as long as the process: only names of a sane length (ISO 32000-1 C.2: 127 bytes) go in.
      if (PdfName.interned.size < 10_000 && value.length <= 127) PdfName.interned.set(value, n);
    }
    return n;
  }
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}

  get key(): string {
    return `${this.num} ${this.gen}`;
  }

  equals(other: PdfObject): boolean {
    return other instanceof PdfRef && other.num === this.num && other.gen === this.gen;
  }
}

export class PdfString {
  constructor(
    readonly bytes: Buffer,
    readonly hex: boolean,
    /** Where the string sits in the file (set only for objects parsed straight from the file). */
    readonly span?: { readonly start: number; readonly end: number },
  ) {}

  static text(s: string): PdfString {
    return new PdfString(encodeTextString(s), false);
  }

  /** Decodes a text string: UTF-16BE with BOM, UTF-8 with BOM (PDF 2.0), else PDFDocEncoding≈Latin-1. */
  toText(): string {
    const b = this.bytes;
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
      const swapped = Buffer.from(b.subarray(2));
      if (swapped.length % 2) return '';
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3).toString('utf8');
    return b.toString('latin1');
  }
}

/** ASCII stays ASCII; anything else becomes UTF-16BE with a BOM, which every reader understands. */
export function encodeTextString(s: string): Buffer {
  if (/^[\x20-\x7e]*$/.test(s)) return Buffer.from(s, 'latin1');
  const utf16 = Buffer.from(s, 'utf16le');
  utf16.swap16();
  return Buffer.concat([Buffer.from([0xfe, 0xff]), utf16]);
}

export class PdfDict {
  readonly map: Map<string, PdfObject>;

  constructor(entries?: Iterable<[string, PdfObject]>) {
    this.map = new Map(entries ?? []);
  }

  get(key: string): PdfObject | undefined {
    return this.map.get(key);
  }

  set(key: string, value: PdfObject): this {
    this.map.set(key, value);
    return this;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clone(): PdfDict {
    return new PdfDict(this.map);
  }

  nameOf(key: string): string | undefined {
    const v = this.map.get(key);
    return v instanceof PdfName ? v.value : undefined;
  }
}

export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    readonly source: ByteSource,
    readonly dataStart: number,
    readonly dataLength: number,
  ) {}

  rawData(): Buffer {
    return this.source.read(this.dataStart, this.dataLength);
  }
}

/** Bytes written as they are (a stream body, pre-serialised content). */
export class PdfRaw {
  constructor(readonly bytes: Buffer) {}
}

export const isDict = (o: PdfObject | undefined): o is PdfDict => o instanceof PdfDict;
export const isName = (o: PdfObject | undefined, value?: string): o is PdfName => o instanceof PdfName && (value === undefined || o.value === value);
export const isNumber = (o: PdfObject | undefined): o is number => typeof o === 'number';
export const name = (value: string): PdfName => PdfName.of(value);
