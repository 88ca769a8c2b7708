/**
 * Control characters and lone surrogates: PostgreSQL refuses NUL in text, a lone surrogate is not
 * UTF-8 at all, and the others garble logs, CSV exports and the notation of a document.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// eslint-disable-next-line no-control-regex -- the same, but tab and line breaks are text here
const UNPRINTABLE_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function pattern(allowLineBreaks: boolean): RegExp {
  const regex = allowLineBreaks ? UNPRINTABLE_BUT_LINE_BREAKS : UNPRINTABLE;
  regex.lastIndex = 0;
  return regex;
}

/** No control character (tab and line breaks allowed with `allowLineBreaks`) and no lone surrogate. */
export function isPrintable(text: string, allowLineBreaks = false): boolean {
  return !pattern(allowLineBreaks).test(text);
}

/** The text with each unprintable character replaced by U+FFFD, for a record made of what a stranger sent. */
export function printable(text: string, allowLineBreaks = false): string {
  return text.replace(pattern(allowLineBreaks), '\ufffd');
}

/**
 * The paths of every string inside `value` (objects and arrays, walked to `maxDepth`) that holds an
 * unprintable character, e.g. ["subject", "recipients[3]"]. Tab and line breaks pass: free text may
 * have them; fields that must be one line say so themselves.
 */
export function unprintableFields(value: unknown, path = '', maxDepth = 8): string[] {
  if (typeof value === 'string') return isPrintable(value, true) ? [] : [path || '(value)'];
  if (maxDepth === 0 || typeof value !== 'object' || value === null) return [];
  const entries = Array.isArray(value) ? value.map((item, index) => [`[${index}]`, item] as const) : Object.entries(value).map(([key, item]) => [path === '' ? key : `.${key}`, item] as const);
  const found: string[] = [];
  for (const [suffix, item] of entries) {
    // A key is text a stranger chose too.
    if (!Array.isArray(value) && !isPrintable(suffix, false)) found.push(`${path}${printable(suffix)}`);
    found.push(...unprintableFields(item, `${path}${suffix}`, maxDepth - 1));
  }
  return found;
}

/** "a, b, c and 12 more": the first `shown` of many values, so an error answer stays small whatever was sent. */
export function firstOf(values: readonly string[], shown = 10, quote = (v: string) => `"${printable(v).slice(0, 64)}"`): string {
  const head = values.slice(0, shown).map(quote).join(', ');
  return values.length > shown ? `${head} and ${values.length - shown} more` : head;
}
