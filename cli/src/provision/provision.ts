import { deploymentMode, type EdocConfig } from '@edoc/config';
import { Directory } from '@edoc/directory';
import { loadUserSeed, SeedUser } from '@edoc/identity';
import type { KeyAlgorithm } from '@edoc/pki';
import { pkiDirOf } from '@edoc/runtime';
import { provisionBroker, WardCredential } from './broker';
import { ensureDatabase } from './database';
import { ensureDemoPki } from './demo-pki';
import { createFirstAdmin, FirstAdminRequest, importDemoUsers } from './identity-setup';

export interface ProvisionOptions {
  /** Import the demo users of the seed file, with their demo passwords (edoc-demo-<username>). */
  demo?: boolean;
  /** Create the first district administrator (production: no user exists before). */
  admin?: FirstAdminRequest;
}

export interface ProvisionResult {
  directory: Directory;
  /** The demo users imported (none without --demo). */
  users: SeedUser[];
  wards: WardCredential[];
}

/**
 * Everything the exchange needs before its services start, each step idempotent: the database,
 * the broker topology and ward users, the PKI of the directory's units (and of the demo signers),
 * and the users: the demo seed only when asked, the first administrator when named.
 */
export async function provision(config: EdocConfig, log: (line: string) => void, options: ProvisionOptions = {}): Promise<ProvisionResult> {
  const production = deploymentMode() === 'production';
  if (production && options.demo === true) throw new Error('--demo imports users whose passwords are published and makes a demo PKI: not in production mode (EDOC_MODE=production)');
  const directory = Directory.fromFile(config.directoryFile);
  const users = options.demo === true ? loadUserSeed(config.usersFile, directory) : [];
  log(`directory: ${directory.list().length} organisations (${config.directoryFile})${options.demo === true ? `; demo users: ${users.length} (${config.usersFile})` : ''}`);

  const created = await ensureDatabase(config.databaseUrl);
  log(created ? 'database: created' : 'database: present');

  const broker = await provisionBroker(config, directory);
  log(`broker: ${broker.queues} queues declared, a user for each service (${Object.values(broker.users).join(', ')}), ${broker.wards.length} ward system users`);
  for (const queue of broker.redeclared) log(`broker: declared ${queue} anew with this release's settings (it was empty and unused)`);
  for (const binding of broker.staleBindings) log(`broker: removed the binding ${binding}, which the message contract no longer has`);

  const keyAlgorithm = (process.env.EDOC_DEMO_KEY_ALGORITHM ?? 'rsa-2048') as KeyAlgorithm;
  const signingUrl = process.env.EDOC_SIGNING_PUBLIC_URL ?? 'http://127.0.0.1:3001';
  if (production) {
    log(`pki: production mode, nothing demo made: the services read ${pkiDirOf(config)}, the district's own PKI (\`edoc pki init\`, \`edoc pki issue\` for each organisation, signer, the TSA and the archive, then \`edoc pki deploy\`)`);
  } else {
    const pki = ensureDemoPki(config.dataDir, directory, users, keyAlgorithm, { crlUrl: `${signingUrl}/pki/crl.pem`, ocspUrl: `${signingUrl}/pki/ocsp` });
    log(`pki: ${pki.created === 0 ? 'present' : `${pki.created} keys and certificates created (${keyAlgorithm})`}`);
  }

  if (options.demo === true) await importDemoUsers(log);
  if (options.admin !== undefined) await createFirstAdmin(options.admin, log);
  if (options.demo !== true && options.admin === undefined) log('users: none added (--demo imports the demo users, --admin <username> --org <code> creates the first administrator)');
  return { directory, users, wards: broker.wards };
}
