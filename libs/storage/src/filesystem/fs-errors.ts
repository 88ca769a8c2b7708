/** Duck-typed on purpose: errors from node:fs may come from another realm (jest), where instanceof Error fails. */
export function isErrnoCode(error: unknown, ...codes: string[]): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && codes.includes(code);
}
