const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Ids of entries, documents and deliveries are UUIDs; a column of type uuid refuses anything else. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A yyyy-mm-dd date that exists in the calendar, as events and registers carry due dates. */
export function isDayText(value: string): boolean {
  if (!DAY.test(value)) return false;
  const day = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(value);
}
