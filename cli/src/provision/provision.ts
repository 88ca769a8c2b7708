import { join } from 'node:path';
import type { EdocConfig } from '@edoc/config';
import { Directory } from '@edoc/directory';
import { loadUserSeed, SeedUser } from '@edoc/identity';
import type { KeyAlgorithm } from '@edoc/pki';
import { provisionBroker, WardCredential } from './broker';
import { ensureDatabase } from './database';
import { ensureDemoPki } from './demo-pki';
import { DemoToken, writeDemoTokens } from './demo-tokens';

export interface ProvisionResult {
  directory: Directory;
  users: SeedUser[];
  tokens: Record<string, DemoToken>;
  wards: WardCredential[];
}

/**
 * Everything the exchange needs before its services start, each step idempotent: the database,
 * the broker topology and ward users, the PKI of the directory's units and signers, and tokens.
 */
export async function provision(config: EdocConfig, log: (line: string) => void): Promise<ProvisionResult> {
  const directory = Directory.fromFile(config.directoryFile);
  const users = loadUserSeed(config.usersFile, directory);
  log(`directory: ${directory.list().length} organisations, ${users.length} users (${config.directoryFile})`);

  const created = await ensureDatabase(config.databaseUrl);
  log(created ? 'database: created' : 'database: present');

  const broker = await provisionBroker(config, directory);
  log(`broker: ${broker.queues} queues declared, ${broker.wards.length} ward system users`);

  const keyAlgorithm = (process.env.EDOC_DEMO_KEY_ALGORITHM ?? 'rsa-2048') as KeyAlgorithm;
  const signingUrl = process.env.EDOC_SIGNING_PUBLIC_URL ?? 'http://127.0.0.1:3001';
  const pki = ensureDemoPki(join(config.dataDir, 'pki'), directory, users, keyAlgorithm, `${signingUrl}/pki/crl.pem`);
  log(`pki: ${pki.created === 0 ? 'present' : `${pki.created} keys and certificates created (${keyAlgorithm})`}`);

  const tokens = await writeDemoTokens(config.dataDir, users);
  log(`tokens: ${Object.keys(tokens).length} demo tokens in ${join(config.dataDir, 'demo-tokens.json')}`);
  return { directory, users, tokens, wards: broker.wards };
}
