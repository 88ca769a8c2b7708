import { join } from 'node:path';
import { loadOrCreateAuthKeys, principalOf, SeedUser, TokenIssuer } from '@edoc/identity';
import { writeSecretFile } from './files';

export interface DemoToken {
  token: string;
  orgCode: string;
  roles: string[];
  displayName: string;
}

/** 7 days, the longest the issuer allows: a leaked demo token dies by itself; `edoc provision` makes fresh ones. */
const DEMO_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

/** Creates the token-signing key when missing and writes a fresh token for every user to <data dir>/demo-tokens.json (0600). */
export async function writeDemoTokens(dataDir: string, users: SeedUser[]): Promise<Record<string, DemoToken>> {
  const keys = await loadOrCreateAuthKeys(dataDir);
  const issuer = new TokenIssuer(keys.privateKey);
  const tokens: Record<string, DemoToken> = {};
  for (const user of users) {
    tokens[user.username] = { token: await issuer.issue(principalOf(user), DEMO_TOKEN_TTL_SECONDS), orgCode: user.orgCode, roles: [...user.roles], displayName: user.displayName };
  }
  writeSecretFile(join(dataDir, 'demo-tokens.json'), `${JSON.stringify(tokens, null, 2)}\n`);
  return tokens;
}
