import { PdfSignError } from '../errors';
import type { ByteSource } from './byte-source';
import type { DamageNote } from './damage';
import { EndstreamFinder } from './endstream-finder';
import { ObjectParser } from './object-parser';
import { ObjectStreams } from './object-streams';
import { PdfDict, type PdfObject, PdfRef, PdfStream, PdfString, isName } from './pdf-objects';
import { type ReadBudget, type ReadLimits, limitsFor } from './read-budget';
import { type XrefChain, readXrefChain } from './xref';

export type Box = readonly [number, number, number, number];

export interface PageInfo {
  readonly index: number;
  readonly ref: PdfRef;
  readonly dict: PdfDict;
  /** The visible area: CropBox clipped to MediaBox, normalised (x0 < x1, y0 < y1). */
  readonly box: Box;
  readonly rotate: 0 | 90 | 180 | 270;
}

export interface FieldInfo {
  readonly ref?: PdfRef;
  readonly dict: PdfDict;
  readonly fullName: string;
  readonly type?: string;
}

/** Objects read inside one another: a stream whose /Length sits in an object stream is three. */
const MAX_NESTED_FETCHES = 16;
/** "1 0 obj 2 0 R endobj": no writer chains references; a long chain is a cycle or an attack. */
const MAX_REFERENCE_CHAIN = 32;
const MAX_PAGE_TREE_DEPTH = 64;

/**
 * Read-only, lazy access to a PDF: only the objects asked for are parsed. Knows the newest
 * revision through the xref chain, and refuses what the signer cannot safely append to. Every
 * look-up is bounded: cycles are detected, nesting and decompression are charged to `limits`.
 */
export class PdfDocument {
  private readonly cache = new Map<number, PdfObject>();
  private readonly reading = new Set<number>();
  private readonly objectStreams: ObjectStreams;
  private pageList: PageInfo[] | undefined;
  private fieldList: FieldInfo[] | undefined;

  constructor(
    readonly source: ByteSource,
    readonly xref: XrefChain,
    readonly limits: ReadLimits,
    /** Set when the cross-reference data was rebuilt from the objects found in the file. */
    readonly damage?: DamageNote,
    objectStreams?: ObjectStreams,
    readonly endstreams = new EndstreamFinder(source),
  ) {
    this.objectStreams = objectStreams ?? new ObjectStreams(limits);
    if (this.trailer.has('Encrypt') && this.trailer.get('Encrypt') !== null) {
      throw new PdfSignError('ENCRYPTED_PDF', 'the PDF is encrypted; remove the encryption before signing or verifying it');
    }
  }

  /** Opens the newest revision through its cross-reference data; see openPdf for rebuilding damaged files. */
  static open(source: ByteSource, budget?: ReadBudget | ReadLimits): PdfDocument {
    const limits = limitsFor(source.length, budget);
    return new PdfDocument(source, readXrefChain(source, limits), limits);
  }

  get trailer(): PdfDict {
    return this.xref.trailer;
  }

  get nextObjectNumber(): number {
    return this.xref.nextObjectNumber;
  }

  fetch(ref: PdfRef): PdfObject {
    const cached = this.cache.get(ref.num);
    if (cached !== undefined) return cached;
    if (this.reading.has(ref.num)) {
      throw new PdfSignError('REFERENCE_CYCLE', `reference cycle: reading object ${ref.num} needs object ${ref.num} itself (${[...this.reading, ref.num].join(' → ')})`);
    }
    if (this.reading.size >= MAX_NESTED_FETCHES) {
      throw new PdfSignError('NESTING_TOO_DEEP', `reading object ${ref.num} needs more than ${MAX_NESTED_FETCHES} objects read one inside another`);
    }
    this.reading.add(ref.num);
    let value: PdfObject;
    try {
      value = this.load(ref.num);
    } finally {
      this.reading.delete(ref.num);
    }
    this.cache.set(ref.num, value);
    return value;
  }

  private load(num: number): PdfObject {
    const entry = this.xref.entries.get(num);
    if (entry?.kind === 'offset') {
      if (!Number.isSafeInteger(entry.offset) || entry.offset >= this.source.length) {
        throw new PdfSignError('BROKEN_XREF', `broken cross-reference data: object ${num} is said to be at byte ${entry.offset}, past the end of the file`);
      }
      const parser = new ObjectParser(this.source, { lengthOf: (v) => this.lengthOf(v), maxDepth: this.limits.maxNestingDepth, endstreams: this.endstreams });
      let header;
      try {
        header = parser.readObjectHeader(entry.offset);
      } catch (e) {
        if (e instanceof PdfSignError && e.code === 'MALFORMED_PDF') {
          throw new PdfSignError('BROKEN_XREF', `broken cross-reference data: object ${num} is said to be at byte ${entry.offset}, but no object starts there (${e.message})`);
        }
        throw e;
      }
      if (header.num !== num) {
        throw new PdfSignError('BROKEN_XREF', `broken cross-reference data: object ${num} is said to be at byte ${entry.offset}, where object ${header.num} starts`);
      }
      // The object is where the xref says: what goes wrong from here is the object's own fault.
      return parser.parseIndirectBody(header).value;
    }
    if (entry?.kind === 'compressed') return this.fetchCompressed(num, entry.stream);
    return null;
  }

  /** Follows references to a direct value. A chain that does not end is a cycle, reported as one. */
  resolve(obj: PdfObject | undefined): PdfObject | undefined {
    let o = obj;
    const seen: number[] = [];
    while (o instanceof PdfRef) {
      if (seen.includes(o.num)) throw new PdfSignError('REFERENCE_CYCLE', `reference cycle: ${[...seen, o.num].map((n) => `object ${n}`).join(' → ')}`);
      if (seen.length >= MAX_REFERENCE_CHAIN) throw new PdfSignError('NESTING_TOO_DEEP', `object ${seen[0]} is a chain of more than ${MAX_REFERENCE_CHAIN} references to references`);
      seen.push(o.num);
      o = this.fetch(o);
    }
    return o;
  }

  dict(obj: PdfObject | undefined): PdfDict | undefined {
    const o = this.resolve(obj);
    if (o instanceof PdfDict) return o;
    if (o instanceof PdfStream) return o.dict;
    return undefined;
  }

  catalog(): { ref: PdfRef; dict: PdfDict } {
    const root = this.trailer.get('Root') ?? this.xref.sections.map((s) => s.trailer.get('Root')).find((r) => r instanceof PdfRef);
    if (!(root instanceof PdfRef)) throw new PdfSignError('MALFORMED_PDF', 'the trailer has no /Root reference');
    const entry = this.xref.entries.get(root.num);
    if (!entry || entry.kind === 'free') throw new PdfSignError('BROKEN_XREF', `broken cross-reference data: the trailer's /Root names object ${root.num}, which the cross-reference data does not list`);
    const dict = this.resolve(root);
    if (!(dict instanceof PdfDict)) throw new PdfSignError('MALFORMED_PDF', `the document catalog (object ${root.num}) is not a dictionary`);
    return { ref: root, dict };
  }

  pages(): readonly PageInfo[] {
    if (!this.pageList) this.pageList = this.walkPages();
    return this.pageList;
  }

  /** Number of pages, from the root of the page tree (falls back to walking it). */
  pageCount(): number {
    if (this.pageList) return this.pageList.length;
    const count = this.resolve(this.dict(this.catalog().dict.get('Pages'))?.get('Count'));
    return typeof count === 'number' && Number.isInteger(count) && count > 0 ? count : this.pages().length;
  }

  /**
   * One page by index without parsing the whole tree: where a node's /Count equals its number of
   * kids, every kid is a page and the one wanted is picked directly.
   */
  page(index: number): PageInfo {
    if (this.pageList) return this.pageList[index];
    const root = this.catalog().dict.get('Pages');
    const rootDict = this.dict(root);
    const kids = this.resolve(rootDict?.get('Kids'));
    const count = this.resolve(rootDict?.get('Count'));
    if (root instanceof PdfRef && rootDict && Array.isArray(kids) && count === kids.length && kids[index] instanceof PdfRef) {
      const leaf = this.dict(kids[index]);
      if (leaf && isName(leaf.get('Type'), 'Page') && !leaf.has('Kids')) {
        const info = this.pageOf(kids[index] as PdfRef, index);
        if (info) return info;
      }
    }
    const all = this.pages();
    if (index < 0 || index >= all.length) throw new PdfSignError('MALFORMED_PDF', `page ${index + 1} does not exist`);
    return all[index];
  }

  /** The page a reference names, with its inherited attributes (walking /Parent), or undefined. */
  pageOf(ref: PdfRef, index?: number): PageInfo | undefined {
    const dict = this.dict(ref);
    if (!dict || !isName(dict.get('Type'), 'Page')) return undefined;
    const chain: PdfDict[] = [dict];
    for (let node = this.dict(dict.get('Parent')); node; node = this.dict(node.get('Parent'))) {
      if (chain.includes(node)) throw new PdfSignError('REFERENCE_CYCLE', `the page tree loops: following /Parent from page object ${ref.num} comes back to a node already passed`);
      if (chain.length >= MAX_PAGE_TREE_DEPTH) throw new PdfSignError('NESTING_TOO_DEEP', `the page tree above object ${ref.num} is more than ${MAX_PAGE_TREE_DEPTH} levels deep`);
      chain.push(node);
    }
    const inherited = (key: string) => chain.map((d) => d.get(key)).find((v) => v !== undefined);
    const media = this.box(inherited('MediaBox')) ?? [0, 0, 612, 792];
    const cropBox = this.box(inherited('CropBox'));
    const rotate = this.resolve(inherited('Rotate'));
    const rot = (((Math.round((typeof rotate === 'number' ? rotate : 0) / 90) * 90) % 360) + 360) % 360;
    let pageIndex = index;
    if (pageIndex === undefined) {
      // A flat tree (the root lists every page) gives the index without walking the pages.
      const kids = this.resolve(chain[1]?.get('Kids'));
      const flat = chain.length === 2 && Array.isArray(kids) && this.resolve(chain[1].get('Count')) === kids.length;
      pageIndex = flat ? kids.findIndex((k) => k instanceof PdfRef && k.num === ref.num) : this.pages().findIndex((p) => p.ref.num === ref.num);
    }
    if (pageIndex < 0) return undefined;
    return { index: pageIndex, ref, dict, box: cropBox ? intersect(cropBox, media) : media, rotate: rot as 0 | 90 | 180 | 270 };
  }

  /** Terminal form fields with their full names (ISO 32000-1 12.7.3.2). */
  fields(): FieldInfo[] {
    if (!this.fieldList) this.fieldList = this.collectFields();
    return this.fieldList;
  }

  private collectFields(): FieldInfo[] {
    const acroForm = this.dict(this.catalog().dict.get('AcroForm'));
    const fields = this.resolve(acroForm?.get('Fields'));
    const out: FieldInfo[] = [];
    if (!Array.isArray(fields)) return out;
    const seen = new Set<number>();
    const walk = (items: PdfObject[], parentName: string, parentType: string | undefined, depth: number) => {
      if (depth > 32) return;
      for (const item of items) {
        if (item instanceof PdfRef) {
          if (seen.has(item.num)) continue;
          seen.add(item.num);
        }
        const dict = this.dict(item);
        if (!dict) continue;
        const partial = this.resolve(dict.get('T'));
        const own = partial instanceof PdfString ? partial.toText() : undefined;
        const fullName = own === undefined ? parentName : parentName ? `${parentName}.${own}` : own;
        const type = dict.nameOf('FT') ?? parentType;
        const kids = this.resolve(dict.get('Kids'));
        const fieldKids = Array.isArray(kids) ? kids.filter((k) => this.dict(k)?.has('T')) : [];
        if (fieldKids.length) walk(fieldKids, fullName, type, depth + 1);
        else out.push({ ref: item instanceof PdfRef ? item : undefined, dict, fullName, type });
      }
    };
    walk(fields, '', undefined, 0);
    return out;
  }

  private lengthOf(v: PdfObject | undefined): number | undefined {
    if (typeof v === 'number') return v;
    if (v instanceof PdfRef) {
      const entry = this.xref.entries.get(v.num);
      if (!entry || entry.kind === 'free') return undefined;
      try {
        const r = this.fetch(v);
        return typeof r === 'number' ? r : undefined;
      } catch (e) {
        // A /Length that is the stream itself, or cannot be found: search for "endstream" as readers do.
        if (e instanceof PdfSignError && (e.code === 'REFERENCE_CYCLE' || e.code === 'BROKEN_XREF')) return undefined;
        throw e;
      }
    }
    return undefined;
  }

  private fetchCompressed(num: number, streamNum: number): PdfObject {
    if (streamNum === num) throw new PdfSignError('BROKEN_XREF', `broken cross-reference data: object ${num} is said to be inside object stream ${num}, that is inside itself`);
    let stream: PdfObject;
    try {
      stream = this.fetch(new PdfRef(streamNum, 0));
    } catch (e) {
      if (e instanceof PdfSignError && e.code === 'REFERENCE_CYCLE') {
        throw new PdfSignError('BROKEN_XREF', `broken cross-reference data: object streams are said to be inside one another (${e.message})`);
      }
      throw e;
    }
    if (!(stream instanceof PdfStream) || !isName(stream.dict.get('Type'), 'ObjStm')) {
      throw new PdfSignError('BROKEN_XREF', `broken cross-reference data: object ${num} is said to be in object stream ${streamNum}, which is not an object stream`);
    }
    const value = this.objectStreams.objectIn(streamNum, stream, num);
    if (value === undefined) throw new PdfSignError('BROKEN_XREF', `broken cross-reference data: object ${num} is not in object stream ${streamNum}`);
    return value;
  }

  private walkPages(): PageInfo[] {
    const pagesRef = this.catalog().dict.get('Pages');
    const pages: PageInfo[] = [];
    const visited = new Set<number>();
    const walk = (ref: PdfObject | undefined, inherited: Inherited, depth: number) => {
      if (!(ref instanceof PdfRef)) throw new PdfSignError('MALFORMED_PDF', 'the page tree contains a node that is not an indirect reference');
      if (visited.has(ref.num)) throw new PdfSignError('REFERENCE_CYCLE', `the page tree loops: object ${ref.num} is reached twice`);
      if (depth > MAX_PAGE_TREE_DEPTH) throw new PdfSignError('NESTING_TOO_DEEP', `the page tree is more than ${MAX_PAGE_TREE_DEPTH} levels deep`);
      visited.add(ref.num);
      const node = this.dict(ref);
      if (!node) throw new PdfSignError('MALFORMED_PDF', `page tree node ${ref.num} is not a dictionary`);
      const here: Inherited = {
        mediaBox: this.box(node.get('MediaBox')) ?? inherited.mediaBox,
        cropBox: this.box(node.get('CropBox')) ?? inherited.cropBox,
        rotate: (this.resolve(node.get('Rotate')) as number | undefined) ?? inherited.rotate,
      };
      const kids = this.resolve(node.get('Kids'));
      if (isName(node.get('Type'), 'Pages') || (Array.isArray(kids) && !isName(node.get('Type'), 'Page'))) {
        if (!Array.isArray(kids)) throw new PdfSignError('MALFORMED_PDF', `page tree node ${ref.num} has no /Kids`);
        for (const kid of kids) walk(kid, here, depth + 1);
        return;
      }
      const media = here.mediaBox ?? [0, 0, 612, 792];
      const crop = here.cropBox ? intersect(here.cropBox, media) : media;
      const rot = (((Math.round((here.rotate ?? 0) / 90) * 90) % 360) + 360) % 360;
      pages.push({ index: pages.length, ref, dict: node, box: crop, rotate: rot as 0 | 90 | 180 | 270 });
    };
    walk(pagesRef, {}, 0);
    if (pages.length === 0) throw new PdfSignError('MALFORMED_PDF', 'the document has no pages');
    return pages;
  }

  private box(v: PdfObject | undefined): Box | undefined {
    const arr = this.resolve(v);
    if (!Array.isArray(arr) || arr.length !== 4) return undefined;
    const n = arr.map((x) => this.resolve(x));
    if (!n.every((x) => typeof x === 'number')) return undefined;
    const [a, b, c, d] = n as number[];
    return [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)];
  }
}

interface Inherited {
  mediaBox?: Box;
  cropBox?: Box;
  rotate?: number;
}

function intersect(a: Box, b: Box): Box {
  const r: Box = [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])];
  return r[2] > r[0] && r[3] > r[1] ? r : b;
}
