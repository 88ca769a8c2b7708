import { inflatePrefix } from '../core/bounded-inflate';
import type { PdfDocument } from '../core/pdf-document';
import { PdfDict, PdfName, type PdfObject, PdfRef, PdfStream, PdfString, isName } from '../core/pdf-objects';
import { walkReachable } from '../core/reachable';
import { executableBecause } from './executable-file';
import type { ActiveContentItem, EmbeddedFileInfo } from './inspection-types';

/** A JavaScript or Launch action (ISO 32000-1 12.6.4.16, 12.6.4.5), or a Rendition carrying /JS. */
export function actionKind(d: PdfDict): 'javascript' | 'launch' | undefined {
  const s = d.get('S');
  if (isName(s, 'JavaScript') || d.has('JS')) return 'javascript';
  if (isName(s, 'Launch')) return 'launch';
  return undefined;
}

/** An interactive form dictionary that carries an XFA form, whose scripts some readers run. */
export const hasXfa = (d: PdfDict): boolean => d.has('XFA') && d.has('Fields');

export interface ActiveContentScan {
  readonly items: ActiveContentItem[];
  readonly embeddedFiles: EmbeddedFileInfo[];
}

const ACTION_DETAIL = { javascript: 'a JavaScript action', launch: 'a Launch action (starts a program or opens a file)' } as const;
const MAX_DEPTH = 128;

/**
 * Active content among the objects a reader can reach from the trailer: actions anywhere (an
 * /OpenAction, an /AA trigger, a link, a bookmark), document-level scripts (the /JavaScript name
 * tree), XFA forms and embedded files. What no reader can reach is never run, so it is not looked at.
 */
export function findActiveContent(doc: PdfDocument): ActiveContentScan {
  const items: ActiveContentItem[] = [];
  const embeddedStreams = new Map<number, PdfStream>();
  const names = new Map<number, string>();
  walkReachable(doc, (ref, value) => {
    if (value instanceof PdfStream && isName(value.dict.get('Type'), 'EmbeddedFile')) embeddedStreams.set(ref.num, value);
    visitDicts(value, '', 0, (d, where) => {
      const kind = actionKind(d);
      if (kind) items.push({ kind, object: ref.num, where, detail: ACTION_DETAIL[kind] });
      if (doc.dict(d.get('JavaScript'))) items.push({ kind: 'javascript', object: ref.num, where: `${where} /JavaScript`.trim(), detail: 'document-level JavaScript (the /JavaScript name tree)' });
      if (hasXfa(d)) items.push({ kind: 'xfa', object: ref.num, where: `${where} /XFA`.trim(), detail: 'an XFA form, which can carry scripts' });
      const ef = doc.dict(d.get('EF'));
      if (ef) {
        const name = fileName(doc, d);
        for (const v of ef.map.values()) if (v instanceof PdfRef && name !== undefined && !names.has(v.num)) names.set(v.num, name);
      }
    });
  });
  const embeddedFiles = [...embeddedStreams].map(([num, stream]) => describeEmbeddedFile(doc, num, stream, names.get(num)));
  for (const f of embeddedFiles) {
    const what = `an embedded file${f.name ? ` "${f.name}"` : ''}${f.executable ? ` that is a program or script (${f.executableBecause})` : ''}`;
    items.push({ kind: 'embedded-file', object: f.object, where: '', detail: what });
  }
  return { items, embeddedFiles };
}

/** Calls `fn` on every dictionary inside a value (a stream's own included), with the key path to it. */
export function visitDicts(value: PdfObject | undefined, where: string, depth: number, fn: (d: PdfDict, where: string) => void): void {
  if (depth > MAX_DEPTH) return;
  if (value instanceof PdfStream) visitDicts(value.dict, where, depth + 1, fn);
  else if (Array.isArray(value)) value.forEach((item, i) => visitDicts(item, `${where}[${i}]`, depth + 1, fn));
  else if (value instanceof PdfDict) {
    fn(value, where);
    for (const [k, v] of value.map) visitDicts(v, `${where} /${k}`.trim(), depth + 1, fn);
  }
}

function describeEmbeddedFile(doc: PdfDocument, num: number, stream: PdfStream, name: string | undefined): EmbeddedFileInfo {
  const subtype = stream.dict.get('Subtype');
  const mimeType = subtype instanceof PdfName ? subtype.value : undefined;
  const declared = doc.resolve(doc.dict(stream.dict.get('Params'))?.get('Size'));
  const size = typeof declared === 'number' ? declared : undefined;
  const because = executableBecause(name, mimeType, firstBytes(doc, stream));
  return { object: num, name, mimeType, size, executable: because !== undefined, ...(because ? { executableBecause: because } : {}) };
}

// Enough of the content to recognise a program; only unfiltered and Flate streams are looked into.
function firstBytes(doc: PdfDocument, stream: PdfStream): Buffer | undefined {
  const filter = stream.dict.get('Filter');
  const raw = stream.source.read(stream.dataStart, Math.min(stream.dataLength, 16 * 1024));
  if (filter === undefined || filter === null) return raw.subarray(0, 16);
  const single = Array.isArray(filter) && filter.length === 1 ? filter[0] : filter;
  if (isName(single, 'FlateDecode') || isName(single, 'Fl')) return inflatePrefix(raw, 16, doc.limits);
  return undefined;
}

function fileName(doc: PdfDocument, filespec: PdfDict): string | undefined {
  for (const key of ['UF', 'F', 'Unix', 'DOS', 'Mac']) {
    const v = doc.resolve(filespec.get(key));
    if (v instanceof PdfString) return v.toText();
  }
  return undefined;
}
