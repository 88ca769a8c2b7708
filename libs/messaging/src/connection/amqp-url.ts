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

/** `text` with every copy of `url` (and of its password) redacted, for errors that quote the URL. */
export function redactUrlIn(text: string, url: string): string {
  let redacted = text.split(url).join(redactUrl(url));
  const password = new URL(url).password;
  for (const secret of new Set([password, safeDecode(password)])) {
    if (secret.length > 0) redacted = redacted.split(`:${secret}@`).join(':***@');
  }
  return redacted;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The same broker and vhost, logged in as another user (a service's, a ward's). */
export function withCredentials(url: string, username: string, password: string): string {
  const parsed = assertAmqpUrl(url);
  parsed.username = encodeURIComponent(username);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}
