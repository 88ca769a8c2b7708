/** A value that canonical JSON can encode: no undefined, functions, NaN or class instances. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * JSON with object keys sorted by UTF-16 code units and no whitespace: the JSON Canonicalization
 * Scheme (RFC 8785) for the values the audit trail holds (strings, integers, booleans). The same
 * value always gives the same bytes, so a hash of it can be recomputed by anyone, years later.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, '$');
}

function encode(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isSafeInteger(value)) throw new TypeError(`canonical JSON: ${path} is ${value}; only safe integers are allowed (write other numbers as strings)`);
      return String(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonical JSON: ${path} is a ${typeof value}, which JSON cannot hold`);
  }
  if (Array.isArray(value)) return `[${value.map((item, index) => encode(item, `${path}[${index}]`)).join(',')}]`;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) throw new TypeError(`canonical JSON: ${path} is not a plain object`);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${encode(record[key], `${path}.${key}`)}`).join(',')}}`;
}
