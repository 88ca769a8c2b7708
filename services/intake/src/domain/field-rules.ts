import { firstOf, printable, unprintableFields } from '@edoc/contracts';

/** A problem list stays readable, and an answer small, whatever a client sends. */
export const MAX_PROBLEMS = 20;

/** Problems of every string (nested ones too) that holds a control character or a lone surrogate, in one line. */
export function unprintableProblem(input: unknown): string | undefined {
  const bad = unprintableFields(input);
  return bad.length === 0 ? undefined : `${firstOf(bad, 10, (field) => field)}: control characters and unpaired surrogates are not allowed`;
}

/** One line of text: a pasted line break or tab becomes a space, runs of spaces one space. */
export function oneLine(value: string): string {
  return value.replace(/\s+/gu, ' ').trim();
}

export function checkLength(field: string, value: string, max: number, problems: string[]): void {
  const length = [...value].length;
  if (length > max) problems.push(`${field}: ${length} characters, at most ${max} allowed`);
}

/**
 * The abbreviation of a drafting unit becomes part of the notation ("05/QĐ-UBND-VP") and of the
 * edXML document id: capital letters (Vietnamese ones too) and digits, at most 12.
 */
const ABBREVIATION = /^[\p{Lu}\p{Nd}]{1,12}$/u;

export function checkDraftingUnit(value: string, problems: string[]): void {
  if (value === '') return;
  if (!ABBREVIATION.test(value)) {
    problems.push(`draftingUnit: "${printable(value).slice(0, 24)}" is not an abbreviation such as VP or QLĐT (1 to 12 capital letters or digits); it becomes part of the notation`);
  }
}

/** The problems, at most MAX_PROBLEMS of them (the last says how many more). */
export function bounded(problems: string[]): string[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_PROBLEMS - 1), `and ${problems.length - MAX_PROBLEMS + 1} more problems`];
}
