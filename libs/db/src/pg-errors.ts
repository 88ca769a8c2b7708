/** SQLSTATE codes after which re-running the whole transaction is safe and usually succeeds. */
const RETRYABLE_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

export function isRetryableTransactionError(error: unknown): boolean {
  const code = sqlState(error);
  return (code !== undefined && RETRYABLE_SQLSTATES.has(code)) || isStalePreparedStatement(error);
}

/**
 * A statement this connection prepared before a migration changed the columns it returns (a
 * `SELECT *` during a rolling upgrade): PostgreSQL refuses it on this connection from then on, so
 * the connection is discarded and the work re-run on a fresh one, which prepares it anew.
 */
export function isStalePreparedStatement(error: unknown): boolean {
  return sqlState(error) === '0A000' && errorMessage(error).includes('cached plan must not change result type');
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
