import { createPublicKey, KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { EdocConfig } from '@edoc/config';
import { authKeyPaths } from '@edoc/identity';

/** The public half of the token-signing key, made by provisioning; every service verifies tokens with it. */
export function readAuthPublicKey(config: EdocConfig): KeyObject {
  const file = authKeyPaths(config.dataDir).publicKeyFile;
  if (!existsSync(file)) throw new Error(`no token verification key at ${file}: run \`npm run provision\` (or \`npm start\`) first`);
  return createPublicKey(readFileSync(file));
}
