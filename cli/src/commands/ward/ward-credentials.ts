import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@edoc/config';
import { withCredentials } from '@edoc/messaging';
import type { TokenSource } from '@edoc/identity-client';
import { tokenSourceFor, type AuthOptions } from '../../auth/token-sources';

/** The ward broker users `edoc provision` writes for the demo: <data dir>/secrets/ward-broker-users.json. */
interface DemoWardUser {
  username: string;
  password: string;
}

/**
 * The ward's broker URL: --amqp-url, else $EDOC_WARD_AMQP_URL, else (on a demo machine) the
 * credentials `edoc provision` wrote, on the server and vhost of $EDOC_AMQP_URL.
 */
export function wardAmqpUrl(code: string, given: string | undefined): string {
  if (given !== undefined && given !== '') return given;
  const fromEnv = process.env.EDOC_WARD_AMQP_URL;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const config = loadConfig();
  const file = join(config.dataDir, 'secrets', 'ward-broker-users.json');
  const hint = `pass --amqp-url amqp://ward-${code}:PASSWORD@HOST:5672/VHOST or set EDOC_WARD_AMQP_URL`;
  if (!existsSync(file)) throw new Error(`no broker URL for ward ${code}: ${hint} (no demo credentials at ${file})`);
  let users: Record<string, DemoWardUser>;
  try {
    users = JSON.parse(readFileSync(file, 'utf8')) as Record<string, DemoWardUser>;
  } catch (error) {
    throw new Error(`cannot read the demo ward credentials ${file}: ${(error as Error).message}`);
  }
  const user = users[code];
  if (user === undefined) throw new Error(`no broker user for ${code} in ${file} (wards with their own system: ${Object.keys(users).join(', ') || 'none'}); ${hint}`);
  return withCredentials(config.amqpUrl, user.username, user.password);
}

/**
 * The intake URL and a source of the ward-system user's access token that stays fresh for as long
 * as the ward runs (hours): --token/EDOC_TOKEN (fixed), --as USER (a demo user, signed in again
 * when its session ends), or the session of `edoc login` (refreshed, shared with other commands).
 */
export function wardHttpAccess(options: AuthOptions & { url?: string }): { baseUrl: string; token: TokenSource } {
  const baseUrl = options.url ?? process.env.EDOC_URL ?? 'http://127.0.0.1:3000';
  return { baseUrl, token: tokenSourceFor(options) };
}
