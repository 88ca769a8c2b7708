import { Command } from 'commander';
import type { UserView } from '@edoc/identity';
import { ApiClient, type ApiOptions } from '../http/api-client';
import { withAuthOptions } from './api-options';
import { table } from './output';
import { passwordFromStdin } from '../auth/read-password';

type UsersOptions = ApiOptions & { identityUrl?: string; json?: boolean };

const collect = (value: string, previous: string[]) => [...previous, ...value.split(',').map((v) => v.trim()).filter((v) => v !== '')];

/** The identity service's API (the users live there), signed in as an administrator. */
function identityApi(options: UsersOptions): ApiClient {
  return new ApiClient({ ...options, url: options.identityUrl ?? process.env.EDOC_IDENTITY_URL ?? 'http://127.0.0.1:3005' });
}

function withUserOptions(command: Command): Command {
  return withAuthOptions(command).option('--json', 'print the answer as JSON');
}

function show(user: UserView, options: { json?: boolean }): void {
  if (options.json === true) console.log(JSON.stringify(user, null, 2));
  else console.log(`${user.username}  ${user.displayName}  ${user.roles.join(',')} of ${user.orgCode}${user.disabled ? '  (disabled)' : ''}${user.signer === undefined ? '' : `  signs as ${[user.signer.competence, user.signer.authority, user.signer.position].filter(Boolean).join(' ')}`}`);
}

export function buildUsersCommand(): Command {
  const users = new Command('users').description("manage users (a district administrator: every unit's; a unit administrator: its own unit's)");
  users.addCommand(
    withUserOptions(new Command('list').description('list users').option('--org <code>', 'only the users of this unit')).action(async (options: UsersOptions & { org?: string }) => {
      const answer = await identityApi(options).json<{ users: UserView[] }>('GET', `/users${options.org === undefined ? '' : `?org=${encodeURIComponent(options.org)}`}`);
      if (options.json === true) return console.log(JSON.stringify(answer.users, null, 2));
      const rows = answer.users.map((u) => [u.username, u.displayName, u.orgCode, u.roles.join(','), u.disabled ? 'disabled' : u.hasPassword ? 'active' : 'no password']);
      for (const line of table([['username', 'name', 'unit', 'roles', 'state'], ...rows])) console.log(line);
    }),
  );
  users.addCommand(
    withUserOptions(
      new Command('add')
        .description('add a user; the password comes from the first line of stdin (--password-stdin), else it must be reset later')
        .argument('<username>')
        .requiredOption('--name <display name>', 'full name (printed under the documents a signer signs)')
        .requiredOption('--org <code>', 'the unit')
        .requiredOption('--role <role>', 'clerk, signer, admin, unit-admin, ward-system (repeatable or comma-separated)', collect, [])
        .option('--position <text>', 'signer: the position printed under documents, e.g. "CHỦ TỊCH"')
        .option('--competence <prefix>', 'signer: TM., Q., KT., TL. or TUQ.')
        .option('--authority <text>', 'signer: what the prefix qualifies, e.g. "ỦY BAN NHÂN DÂN"')
        .option('--password-stdin', 'read the initial password from the first line of stdin'),
    ).action(async (username: string, options: UsersOptions & { name: string; org: string; role: string[]; position?: string; competence?: string; authority?: string; passwordStdin?: boolean }) => {
      const signer = options.position === undefined ? undefined : { position: options.position, ...(options.competence === undefined ? {} : { competence: options.competence, authority: options.authority ?? '' }) };
      const body = { username, displayName: options.name, orgCode: options.org, roles: options.role, ...(signer === undefined ? {} : { signer }), ...(options.passwordStdin === true ? { password: await passwordFromStdin() } : {}) };
      show(await identityApi(options).json<UserView>('POST', '/users', body), options);
    }),
  );
  for (const [name, description] of [
    ['disable', 'disable a user: sign-in refused, every session ended at once'],
    ['enable', 'enable a disabled user again'],
  ] as const) {
    users.addCommand(
      withUserOptions(new Command(name).description(description).argument('<username>')).action(async (username: string, options: UsersOptions) => {
        show(await identityApi(options).json<UserView>('POST', `/users/${encodeURIComponent(username)}/${name}`, {}), options);
      }),
    );
  }
  users.addCommand(
    withUserOptions(
      new Command('set-role')
        .description("replace a user's roles (every session of the user ends: tokens carry the roles)")
        .argument('<username>')
        .argument('<roles>', 'comma-separated: clerk, signer, admin, unit-admin, ward-system')
        .option('--position <text>', 'signer: the position printed under documents')
        .option('--competence <prefix>', 'signer: TM., Q., KT., TL. or TUQ.')
        .option('--authority <text>', 'signer: what the prefix qualifies'),
    ).action(async (username: string, roles: string, options: UsersOptions & { position?: string; competence?: string; authority?: string }) => {
      const signer = options.position === undefined ? undefined : { position: options.position, ...(options.competence === undefined ? {} : { competence: options.competence, authority: options.authority ?? '' }) };
      show(await identityApi(options).json<UserView>('POST', `/users/${encodeURIComponent(username)}/set-role`, { roles: collect(roles, []), ...(signer === undefined ? {} : { signer }) }), options);
    }),
  );
  users.addCommand(
    withUserOptions(
      new Command('reset-password')
        .description('give a user a new password (from stdin with --password-stdin, else generated and printed once); every session of the user ends')
        .argument('<username>')
        .option('--password-stdin', 'read the new password from the first line of stdin'),
    ).action(async (username: string, options: UsersOptions & { passwordStdin?: boolean }) => {
      const body = options.passwordStdin === true ? { password: await passwordFromStdin() } : {};
      const answer = await identityApi(options).json<{ user: UserView; password?: string }>('POST', `/users/${encodeURIComponent(username)}/reset-password`, body);
      show(answer.user, options);
      if (answer.password !== undefined) console.log(`new password (shown once; hand it to the user): ${answer.password}`);
    }),
  );
  return users;
}

export function buildKeysCommand(): Command {
  const keys = new Command('keys').description('the keys that sign access tokens');
  keys.addCommand(
    withAuthOptions(new Command('rotate').description('make a new key sign access tokens; the previous one stays published until its tokens have expired (district administrator)')).action(
      async (options: UsersOptions) => {
        const answer = await identityApi(options).json<{ kid: string; previousKids: string[] }>('POST', '/keys/rotate', {});
        console.log(`access tokens are now signed with key ${answer.kid}${answer.previousKids.length === 0 ? '' : `; ${answer.previousKids.join(', ')} stays published until its tokens have expired`}`);
      },
    ),
  );
  return keys;
}
