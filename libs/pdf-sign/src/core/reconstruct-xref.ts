import { PdfSignError } from '../errors';
import type { ByteSource } from './byte-source';
import { EndstreamFinder } from './endstream-finder';
import { ObjectParser } from './object-parser';
import type { ObjectStreams } from './object-streams';
import { PdfDict, type PdfObject, PdfRef, PdfStream, isName } from './pdf-objects';
import type { ReadLimits } from './read-budget';
import type { XrefChain, XrefEntry, XrefSection } from './xref';

export interface Reconstruction {
  readonly chain: XrefChain;
  /** Why an object that was found could not be read: what a missing object really suffered. */
  readonly unreadable: ReadonlyMap<number, PdfSignError>;
}

const CHUNK = 256 * 1024;
const OVERLAP = 64;
// "12 0 obj" at the start of a token; "trailer"; "%%EOF", which ends a revision.
const MARKERS = /(?<![0-9])(\d{1,10})[\0\t\n\f\r ]+(\d{1,5})[\0\t\n\f\r ]+obj(?![^\0\t\n\f\r [<(/%])|trailer(?=[\0\t\n\f\r <])|%%EOF/g;

interface Definition {
  readonly num: number;
  readonly entry: XrefEntry;
  /** Where the definition is: later ones replace earlier ones, as in incremental updates. */
  readonly position: number;
  readonly revision: number;
}

/**
 * Rebuilds the cross-reference data by scanning the file for "n g obj", as qpdf and other readers
 * do when the xref is damaged. Revisions are told apart by their %%EOF markers, so that what was
 * added after a signature can still be compared with what it signed. The work is bounded: every
 * object found counts against the budget, and failed attempts may not re-read the file many times.
 */
export function reconstructXref(src: ByteSource, limits: ReadLimits, objectStreams: ObjectStreams, endstreams: EndstreamFinder): Reconstruction {
  const definitions: Definition[] = [];
  const trailers: { dict: PdfDict; revision: number }[] = [];
  const objectStreamsFound: { num: number; at: number; stream: PdfStream; revision: number }[] = [];
  const unreadable = new Map<number, PdfSignError>();
  const revisionStarts = [0];
  // Parsing attempts that fail (an unterminated string runs to the end of the file) may not add up
  // to reading the file again and again.
  const attemptBudget = 4 * src.length + 1024 * 1024;
  let attempted = 0;

  let chunkStart = -1;
  let chunk = '';
  let pos = 0;
  while (pos < src.length) {
    if (chunkStart < 0 || pos < chunkStart || pos >= chunkStart + CHUNK) {
      chunkStart = pos;
      chunk = src.read(pos, CHUNK + OVERLAP).toString('latin1');
    }
    MARKERS.lastIndex = pos - chunkStart;
    const m = MARKERS.exec(chunk);
    const lastChunk = chunkStart + chunk.length >= src.length;
    if (!m || (m.index >= CHUNK && !lastChunk)) {
      pos = chunkStart + CHUNK; // the overlap is searched again with the next chunk
      if (!m && lastChunk) break;
      continue;
    }
    const at = chunkStart + m.index;
    const revision = revisionStarts.length - 1;
    if (m[1] !== undefined && isDigit(src.byteAt(at - 1))) {
      pos = at + 1; // the tail of a longer number, cut at a chunk boundary
      continue;
    }
    if (m[0] === '%%EOF') {
      let end = at + 5;
      if (src.byteAt(end) === 0x0d) end++;
      if (src.byteAt(end) === 0x0a) end++;
      revisionStarts.push(end);
      pos = end;
      continue;
    }
    const parser = new ObjectParser(src, { maxDepth: limits.maxNestingDepth, endstreams });
    try {
      if (m[0] === 'trailer') {
        parser.pos = at + 'trailer'.length;
        const dict = parser.parseValue();
        if (dict instanceof PdfDict) trailers.push({ dict, revision });
        pos = parser.pos;
        continue;
      }
      const parsed = parser.parseIndirect(at);
      limits.countObjects(1, 'rebuilding the cross-reference data');
      definitions.push({ num: parsed.num, entry: { kind: 'offset', offset: at, gen: parsed.gen }, position: at, revision });
      const value = parsed.value;
      if (value instanceof PdfStream && isName(value.dict.get('Type'), 'ObjStm')) objectStreamsFound.push({ num: parsed.num, at, stream: value, revision });
      if (value instanceof PdfStream && isName(value.dict.get('Type'), 'XRef')) trailers.push({ dict: value.dict, revision });
      // Skip what the object spans: "1 0 obj" inside a stream or a string is not an object.
      attempted += parsed.end - at;
      pos = Math.max(parsed.end, at + 1);
    } catch (e) {
      if (!(e instanceof PdfSignError) || e.code === 'BUDGET_EXCEEDED') throw e;
      if (m[1] !== undefined && !unreadable.has(Number(m[1]))) unreadable.set(Number(m[1]), e);
      attempted += Math.max(0, parser.pos - at);
      pos = at + m[0].length;
    }
    if (attempted > attemptBudget) {
      throw new PdfSignError('BUDGET_EXCEEDED', 'rebuilding the cross-reference data: the objects in the file cannot be told apart without reading it over and over');
    }
  }

  addObjectStreamMembers(definitions, objectStreamsFound, objectStreams, unreadable);
  if (definitions.length === 0) throw new PdfSignError('BROKEN_XREF', 'broken cross-reference data, and no objects ("n 0 obj") are to be found in the file');

  definitions.sort((a, b) => a.position - b.position);
  const entries = new Map<number, XrefEntry>();
  const perRevision = new Map<number, Map<number, XrefEntry>>();
  for (const d of definitions) {
    entries.set(d.num, d.entry);
    let own = perRevision.get(d.revision);
    if (!own) perRevision.set(d.revision, (own = new Map()));
    own.set(d.num, d.entry);
  }
  const streams = new Map(objectStreamsFound.map((f) => [f.num, f.stream]));
  const valueOf = (num: number) => definedValue(num, entries, streams, src, limits, objectStreams, endstreams);
  const trailer = synthesizeTrailer(trailers, entries, definitions, valueOf);
  const revisions = [...perRevision.keys()].sort((a, b) => b - a);
  const sections: XrefSection[] = revisions.map((r, i) => ({
    offset: revisionStarts[r],
    kind: 'table',
    trailer: i === 0 ? trailer : (trailers.filter((t) => t.revision === r).pop()?.dict ?? new PdfDict()),
    entries: perRevision.get(r) as Map<number, XrefEntry>,
  }));
  const nextObjectNumber = highestKey(entries) + 1;
  return { chain: { startxref: -1, sections, entries, trailer, nextObjectNumber }, unreadable };
}

/**
 * Objects inside the object streams found. They count as written where their stream is, and only
 * streams still current are used: a stream whose number a later revision reused is history.
 */
function addObjectStreamMembers(
  definitions: Definition[],
  found: { num: number; at: number; stream: PdfStream; revision: number }[],
  objectStreams: ObjectStreams,
  unreadable: Map<number, PdfSignError>,
): void {
  const lastAt = new Map<number, number>();
  for (const d of definitions) if (d.entry.kind === 'offset') lastAt.set(d.num, Math.max(lastAt.get(d.num) ?? -1, d.position));
  for (const s of found) {
    if (lastAt.get(s.num) !== s.at) continue;
    let members: number[];
    try {
      members = objectStreams.members(s.num, s.stream);
    } catch (e) {
      if (!(e instanceof PdfSignError) || e.code === 'BUDGET_EXCEEDED') throw e;
      unreadable.set(s.num, e);
      continue;
    }
    members.forEach((num, index) => {
      // Half a byte after the stream: after it, before anything written later in the file.
      if (num !== s.num) definitions.push({ num, entry: { kind: 'compressed', stream: s.num, index }, position: s.at + 0.5, revision: s.revision });
    });
  }
}

/** The value an entry of the rebuilt table names, or undefined when it cannot be read. */
function definedValue(num: number, entries: Map<number, XrefEntry>, streams: Map<number, PdfStream>, src: ByteSource, limits: ReadLimits, objectStreams: ObjectStreams, endstreams: EndstreamFinder): PdfObject | undefined {
  const entry = entries.get(num);
  try {
    if (entry?.kind === 'offset') return new ObjectParser(src, { maxDepth: limits.maxNestingDepth, endstreams }).parseIndirect(entry.offset).value;
    if (entry?.kind !== 'compressed') return undefined;
    const stream = streams.get(entry.stream);
    return stream ? objectStreams.objectIn(entry.stream, stream, num) : undefined;
  } catch (e) {
    if (e instanceof PdfSignError && e.code === 'BUDGET_EXCEEDED') throw e;
    return undefined;
  }
}

/** /Root, /Info and /ID from the last trailer that has them, checked against the objects found. */
function synthesizeTrailer(trailers: { dict: PdfDict }[], entries: Map<number, XrefEntry>, definitions: Definition[], valueOf: (num: number) => PdfObject | undefined): PdfDict {
  const out = new PdfDict();
  const pick = (key: string, ok: (v: PdfObject) => boolean) => {
    for (let i = trailers.length - 1; i >= 0; i--) {
      const v = trailers[i].dict.get(key);
      if (v !== undefined && v !== null && ok(v)) return v;
    }
    return undefined;
  };
  const isCatalog = (num: number) => {
    const value = valueOf(num);
    return value instanceof PdfDict && (isName(value.get('Type'), 'Catalog') || value.has('Pages'));
  };
  let root = pick('Root', (v) => v instanceof PdfRef && isCatalog(v.num));
  if (!root) {
    // No usable trailer: the newest object that says it is the catalog, in an object stream or not.
    for (let i = definitions.length - 1; i >= 0 && !root; i--) {
      const d = definitions[i];
      if (entries.get(d.num) === d.entry && isCatalog(d.num)) root = new PdfRef(d.num, d.entry.kind === 'offset' ? d.entry.gen : 0);
    }
  }
  if (!root) throw new PdfSignError('BROKEN_XREF', 'broken cross-reference data, and no document catalog is to be found among the objects in the file');
  out.set('Root', root);
  const info = pick('Info', (v) => v instanceof PdfRef && entries.has(v.num));
  if (info) out.set('Info', info);
  const id = pick('ID', (v) => Array.isArray(v));
  if (id) out.set('ID', id);
  const encrypt = pick('Encrypt', () => true);
  if (encrypt) out.set('Encrypt', encrypt);
  out.set('Size', highestKey(entries) + 1);
  return out;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

// Not Math.max(...keys): a million arguments overflow the stack.
function highestKey(map: Map<number, unknown>): number {
  let max = 0;
  for (const k of map.keys()) if (k > max) max = k;
  return max;
}
