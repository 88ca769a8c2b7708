/** Thrown for a line of a rebuild upload that cannot be used; names the line and the field. */
export class InvalidEntryError extends Error {}

export interface EntryFields {
  entry: Record<string, unknown>;
  fail: (problem: string) => never;
  /** A string field: '' when absent and not required. */
  text: (name: string, required: boolean) => string;
}

/** Reads the fields of one uploaded JSON line, failing with the line number and the field's name. */
export function entryFields(value: unknown, line: number): EntryFields {
  const fail = (problem: string): never => {
    throw new InvalidEntryError(`line ${line}: ${problem}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('not a JSON object');
  const entry = value as Record<string, unknown>;
  const text = (name: string, required: boolean): string => {
    const field = entry[name];
    if (field === undefined || field === null) return required ? fail(`${name} is missing`) : '';
    if (typeof field !== 'string') return fail(`${name} is not a string`);
    if (required && field === '') fail(`${name} is empty`);
    return field;
  };
  return { entry, fail, text };
}
