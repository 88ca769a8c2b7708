/**
 * The password of a demo user, derived from the username so that anyone reading the README can
 * sign in as one: `edoc-demo-<username>`, e.g. edoc-demo-hbt.clerk. Only `--demo` provisioning
 * gives users such a password; it is public knowledge and must never reach production.
 */
export function demoPassword(username: string): string {
  return `edoc-demo-${username}`;
}
