import type { XmlElement } from './dom-types';
import { edxmlChildren } from './xml-dom';

/** Text fields with no rule of their own are capped, so no field can carry a payload. */
export const DEFAULT_MAX_TEXT = 1000;

/**
 * Reads edXML elements by path and collects every reason a package is refused, rather than
 * stopping at the first: the sender fixes all of them at once.
 */
export interface TextRules {
  required?: boolean;
  /** Characters (code points). */
  max?: number;
  pattern?: RegExp;
  /** What the pattern stands for, in a reason: "an organ id". */
  describe?: string;
}

export class FieldReader {
  readonly reasons: string[] = [];

  refuse(reason: string): void {
    this.reasons.push(reason);
  }

  /** The one child of this name; a reason when it is missing (if required) or repeated. */
  element(parent: XmlElement | undefined, path: string, name: string, required = true): XmlElement | undefined {
    if (parent === undefined) return undefined;
    const found = edxmlChildren(parent, name);
    if (found.length > 1) this.refuse(`${path}/${name}: appears ${found.length} times, at most once allowed`);
    if (found.length === 0 && required) this.refuse(`${path}/${name}: required`);
    return found[0];
  }

  all(parent: XmlElement | undefined, name: string): XmlElement[] {
    return parent === undefined ? [] : edxmlChildren(parent, name);
  }

  /** A leaf's text, NFC; '' when absent. Leaves may hold only text. */
  text(parent: XmlElement | undefined, path: string, name: string, opts: TextRules = {}): string {
    const element = this.element(parent, path, name, opts.required ?? false);
    return element === undefined ? '' : this.value(element, `${path}/${name}`, opts);
  }

  /** The texts of every child of this name (a list such as ToPlaces/Place). */
  texts(parent: XmlElement | undefined, path: string, name: string, opts: TextRules = {}): string[] {
    return this.all(parent, name).map((element, i) => this.value(element, `${path}/${name}[${i + 1}]`, opts));
  }

  private value(element: XmlElement, where: string, opts: TextRules): string {
    if (Array.from({ length: element.childNodes.length }, (_, i) => element.childNodes[i]).some((n) => n?.nodeType === 1)) {
      this.refuse(`${where}: holds elements where text is expected`);
      return '';
    }
    const value = (element.textContent ?? '').normalize('NFC');
    if ((opts.required ?? false) && value.trim() === '') this.refuse(`${where}: required, and empty`);
    const max = opts.max ?? DEFAULT_MAX_TEXT;
    const length = value.length > max * 4 ? value.length : [...value].length;
    if (length > max) this.refuse(`${where}: ${length} characters, at most ${max} allowed`);
    else if (opts.pattern !== undefined && value !== '' && !opts.pattern.test(value.trim())) this.refuse(`${where}: "${preview(value)}" is not ${opts.describe ?? `of the form ${opts.pattern}`}`);
    return value;
  }

  /** An integer within bounds; `fallback` when absent or empty. */
  integer(parent: XmlElement | undefined, path: string, name: string, bounds: { min: number; max: number; required?: boolean; fallback?: number }): number {
    const value = this.text(parent, path, name, { required: bounds.required, max: 12 }).trim();
    if (value === '') return bounds.fallback ?? bounds.min;
    const n = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < bounds.min || n > bounds.max) {
      this.refuse(`${path}/${name}: "${preview(value)}" is not a whole number from ${bounds.min} to ${bounds.max}`);
      return bounds.fallback ?? bounds.min;
    }
    return n;
  }
}

/** A value quoted in a reason: short, on one line, so a hostile field cannot flood the report. */
export function preview(value: string): string {
  const flat = value.replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}
