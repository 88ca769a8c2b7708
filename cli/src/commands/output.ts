/** Prints JSON for scripts or readable lines for people. */
export function printResult(json: boolean | undefined, value: unknown, lines: () => string[]): void {
  if (json) console.log(JSON.stringify(value, null, 2));
  else for (const line of lines()) console.log(line);
}

/** A fixed-width table for a terminal. */
export function table(rows: string[][]): string[] {
  if (rows.length === 0) return [];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => [...(row[column] ?? '')].length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell + ' '.repeat(widths[column] - [...cell].length))).join('  '));
}

/** Commander's reducer for an option given several times: `--trust a.pem --trust b.pem`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
