/**
 * Test databases and vhosts are named `<prefix><sep><creation time, base 36><sep><8 hex>`. A test
 * run that is killed never drops its own, and on RabbitMQ every live vhost holds file handles
 * (about 40 vhosts exhaust the default budget, after which creating a vhost hangs), so each new
 * one first removes those of its kind that no test can still be using.
 */
export const STALE_AFTER_MS = 15 * 60 * 1000;

export function uniqueName(prefix: string, separator: string, random: string): string {
  return `${prefix}${separator}${Date.now().toString(36)}${separator}${random}`;
}

/** True when `name` is `<prefix><sep><time><sep><hex8>` as uniqueName made it, more than STALE_AFTER_MS ago. */
export function isStale(name: string, prefix: string, separator: string, now = Date.now()): boolean {
  if (!name.startsWith(`${prefix}${separator}`)) return false;
  const parts = name.slice(prefix.length + separator.length).split(separator);
  if (parts.length !== 2) return false;
  const [time, random] = parts as [string, string];
  // Base-36 milliseconds of these decades have 8 digits; anything else is not ours.
  if (!/^[0-9a-z]{8}$/.test(time) || !/^[0-9a-f]{8}$/.test(random)) return false;
  const created = parseInt(time, 36);
  return created < now - STALE_AFTER_MS;
}
