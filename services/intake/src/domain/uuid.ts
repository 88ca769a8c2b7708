const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in messages are checked before PostgreSQL sees them: a cast error would be retried as if it could pass. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
