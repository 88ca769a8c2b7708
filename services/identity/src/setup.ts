import 'reflect-metadata';
import { join } from 'node:path';
import { loadConfig } from '@edoc/config';
import { Database, runMigrations } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { loadUserSeed } from '@edoc/identity';
import { messagingMigrationsDir, Outbox } from '@edoc/messaging';
import { EventOutbox, runtimeMigrationsDir } from '@edoc/runtime';
import { loadIdentitySettings } from './config/identity-settings';
import { UnitsRepository } from './repositories/units.repository';
import { UsersRepository } from './repositories/users.repository';
import { PasswordHasher } from './services/password-hasher';
import { UserEvents } from './services/user-events';
import { createFirstAdmin, importDemoUsers } from './setup/user-import';

/**
 * What `edoc provision` asks of the identity service before any service runs, in the identity
 * schema (migrated first, the same way the service does):
 *   setup.js demo                                      the demo users of EDOC_USERS_FILE, with demo passwords
 *   setup.js admin <username> <org code> [<name>]      the first district administrator; the password
 *                                                      from EDOC_ADMIN_PASSWORD, else the first line of stdin
 * The events announcing the users wait in the identity outbox until the service starts.
 */
async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command !== 'demo' && command !== 'admin') throw new Error('usage: setup.js demo | admin <username> <org code> [<display name>]');
  const config = loadConfig();
  const directory = Directory.fromFile(config.directoryFile);
  const db = new Database({ url: config.databaseUrl, applicationName: 'edoc-identity-setup' });
  try {
    await runMigrations(db, { schema: 'identity', directories: [messagingMigrationsDir, runtimeMigrationsDir, join(__dirname, '..', 'migrations')] });
    await db.transaction((tx) => new UnitsRepository().sync(tx, directory.list()));
    const deps = { db, users: new UsersRepository(), hasher: new PasswordHasher(loadIdentitySettings()), events: new UserEvents(new EventOutbox(new Outbox('identity'))) };
    if (command === 'demo') {
      const result = await importDemoUsers(deps, loadUserSeed(config.usersFile, directory));
      console.log(`identity: ${result.imported} demo users imported, ${result.present} present (password of each: edoc-demo-<username>)`);
      return;
    }
    const [username, orgCode, displayName] = args;
    if (username === undefined || orgCode === undefined) throw new Error('usage: setup.js admin <username> <org code> [<display name>]');
    if (!directory.has(orgCode)) throw new Error(`${orgCode} is not a unit of the directory ${config.directoryFile}`);
    const password = process.env.EDOC_ADMIN_PASSWORD || (await firstLineOfStdin());
    const outcome = await createFirstAdmin(deps, { username, orgCode, displayName: displayName ?? username, password });
    console.log(`identity: district administrator ${username} of ${orgCode} ${outcome === 'created' ? 'created' : 'present (password unchanged)'}`);
  } finally {
    await db.close();
  }
}

async function firstLineOfStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new Error('set EDOC_ADMIN_PASSWORD or pipe the password on stdin');
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`identity setup: ${error.message}`);
  process.exit(1);
});
