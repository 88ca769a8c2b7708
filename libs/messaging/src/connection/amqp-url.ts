import { redactUrl } from '@edoc/config';

/** Rejects what amqplib would misread, naming the problem without the password. */
export function assertAmqpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`invalid AMQP URL ${redactUrl(url)}: expected amqp://user:password@host:5672/vhost`);
  }
  if (parsed.protocol !== 'amqp:' && parsed.protocol !== 'amqps:') {
    throw new Error(`invalid AMQP URL ${redactUrl(url)}: the scheme must be amqp:// or amqps://`);
  }
  if (parsed.hostname === '') throw new Error(`invalid AMQP URL ${redactUrl(url)}: no host`);
  return parsed;
}

/** The virtual host an AMQP URL names; an empty path means the default vhost "/". */
export function vhostOf(url: string): string {
  const path = assertAmqpUrl(url).pathname;
  return path === '' || path === '/' ? '/' : decodeURIComponent(path.slice(1));
}

export function withVhost(url: string, vhost: string): string {
  const parsed = assertAmqpUrl(url);
  parsed.pathname = `/${encodeURIComponent(vhost)}`;
  return parsed.toString();
}
