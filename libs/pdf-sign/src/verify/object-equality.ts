import { PdfDict, PdfName, type PdfObject, PdfRaw, PdfRef, PdfStream, PdfString } from '../core/pdf-objects';

/** Structural equality of two PDF objects as written (references compare by number, not target). */
export function sameObject(a: PdfObject | undefined, b: PdfObject | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (a instanceof PdfName) return b instanceof PdfName && a.value === b.value;
  if (a instanceof PdfString) return b instanceof PdfString && a.bytes.equals(b.bytes);
  if (a instanceof PdfRef) return b instanceof PdfRef && a.num === b.num && a.gen === b.gen;
  if (a instanceof PdfRaw) return b instanceof PdfRaw && a.bytes.equals(b.bytes);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameObject(x, b[i]));
  if (a instanceof PdfDict) return b instanceof PdfDict && sameDict(a, b);
  if (a instanceof PdfStream) {
    return b instanceof PdfStream && sameDict(a.dict, b.dict, ['Length']) && a.dataLength === b.dataLength && a.rawData().equals(b.rawData());
  }
  return false;
}

function sameDict(a: PdfDict, b: PdfDict, ignore: string[] = []): boolean {
  const keys = new Set([...a.map.keys(), ...b.map.keys()]);
  for (const k of keys) {
    if (ignore.includes(k)) continue;
    if (!sameObject(a.get(k), b.get(k))) return false;
  }
  return true;
}

/** Keys whose values differ between two dictionaries. */
export function changedKeys(a: PdfDict, b: PdfDict): string[] {
  const keys = new Set([...a.map.keys(), ...b.map.keys()]);
  return [...keys].filter((k) => !sameObject(a.get(k), b.get(k)));
}

/** True when every element of `before` is still in `after` (order kept or not). */
export function keepsAll(before: PdfObject | undefined, after: PdfObject | undefined): boolean {
  if (!Array.isArray(before)) return before === undefined || before === null;
  if (!Array.isArray(after)) return false;
  return before.every((x) => after.some((y) => sameObject(x, y)));
}
