import { randomUUID } from 'node:crypto';
import { Database } from '@edoc/db';
import { demoPassword, type Role, type SeedUser } from '@edoc/identity';
import { passwordProblems } from '../domain/password-rules';
import type { UsersRepository } from '../repositories/users.repository';
import type { PasswordHasher } from '../services/password-hasher';
import type { UserEvents } from '../services/user-events';

export interface ImportDeps {
  db: Database;
  users: UsersRepository;
  hasher: PasswordHasher;
  events: UserEvents;
}

/**
 * The demo users of the seed file, each with its demo password (edoc-demo-<username>). Users that
 * exist are left as they are (an administrator may have changed them); each new one is announced.
 */
export async function importDemoUsers(deps: ImportDeps, seed: SeedUser[]): Promise<{ imported: number; present: number }> {
  let imported = 0;
  const queue = [...seed];
  const worker = async () => {
    for (let user = queue.shift(); user !== undefined; user = queue.shift()) {
      if ((await deps.users.findByUsername(deps.db, user.username)) !== undefined) continue;
      const passwordHash = await deps.hasher.hash(demoPassword(user.username));
      const seeded = user;
      await deps.db.transaction(async (tx) => {
        const inserted = await deps.users.insert(tx, {
          userId: seeded.userId,
          username: seeded.username,
          displayName: seeded.displayName,
          orgCode: seeded.orgCode,
          roles: seeded.roles,
          ...(seeded.signer === undefined ? {} : { signer: seeded.signer }),
          passwordHash,
          demoPassword: true,
        });
        if (!inserted) return;
        await deps.events.changed(tx, (await deps.users.findByUsername(tx, seeded.username))!, 'imported', 'provisioning');
        imported++;
      });
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return { imported, present: seed.length - imported };
}

export interface FirstAdmin {
  username: string;
  orgCode: string;
  displayName: string;
  password: string;
}

/** The district administrator a production install starts with; nothing happens if the user exists already as one. */
export async function createFirstAdmin(deps: ImportDeps, admin: FirstAdmin): Promise<'created' | 'present'> {
  const existing = await deps.users.findByUsername(deps.db, admin.username);
  if (existing !== undefined) {
    if (existing.roles.includes('admin')) return 'present';
    throw new Error(`the user ${admin.username} exists and is not a district administrator; choose another username`);
  }
  const problems = passwordProblems(admin.password, admin.username);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const passwordHash = await deps.hasher.hash(admin.password);
  const roles: Role[] = ['admin'];
  await deps.db.transaction(async (tx) => {
    if (!(await deps.users.insert(tx, { userId: randomUUID(), username: admin.username, displayName: admin.displayName, orgCode: admin.orgCode, roles, passwordHash }))) {
      throw new Error(`the username ${admin.username} was taken meanwhile`);
    }
    await deps.events.changed(tx, (await deps.users.findByUsername(tx, admin.username))!, 'created', 'provisioning');
  });
  return 'created';
}
