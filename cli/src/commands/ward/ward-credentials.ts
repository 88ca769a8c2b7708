import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@edoc/config';
import { demoToken } from '../../http/api-client';

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
  const url = new URL(config.amqpUrl);
  url.username = encodeURIComponent(user.username);
  url.password = encodeURIComponent(user.password);
  return url.toString();
}

/** The intake URL and the ward-system user's token: --url/--token/--as, else $EDOC_URL/$EDOC_TOKEN. */
export function wardHttpAccess(options: { url?: string; token?: string; as?: string }): { baseUrl: string; token: string } {
  const baseUrl = options.url ?? process.env.EDOC_URL ?? 'http://127.0.0.1:3000';
  const token = options.token ?? (options.as !== undefined ? demoToken(options.as) : process.env.EDOC_TOKEN);
  if (token === undefined || token === '') {
    throw new Error('no token for downloading files: pass --token (the JWT of the ward-system user), set EDOC_TOKEN, or use --as USER with a demo user such as bachkhoa.system');
  }
  return { baseUrl, token };
}
