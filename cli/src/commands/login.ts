import { Command } from 'commander';
import { IdentityClient } from '@edoc/identity-client';
import { CredentialsFile } from '../auth/credentials-file';
import { lineFromTty, passwordFromStdin, passwordFromTty } from '../auth/read-password';
import { identityUrlOf } from '../auth/token-sources';

interface LoginOptions {
  username?: string;
  passwordStdin?: boolean;
  identityUrl?: string;
}

export function buildLoginCommand(): Command {
  return new Command('login')
    .description('sign in to the identity service; the session is kept in $XDG_CONFIG_HOME/edoc/credentials.json (owner-only) and used by the other commands')
    .option('--username <name>', 'who signs in (asked on the terminal if not given)')
    .option('--password-stdin', 'read the password from the first line of stdin instead of asking on the terminal')
    .option('--identity-url <url>', 'the identity service (default $EDOC_IDENTITY_URL or http://127.0.0.1:3005)')
    .action(async (options: LoginOptions) => {
      const username = options.username ?? (await lineFromTty('username: '));
      const password = options.passwordStdin === true ? await passwordFromStdin() : await passwordFromTty(`password for ${username}: `);
      const url = identityUrlOf(options);
      const pair = await new IdentityClient(url).login(username, password);
      const file = new CredentialsFile();
      await file.locked(async () => file.write(url, pair));
      console.log(`signed in as ${pair.user.username} (${pair.user.roles.join(', ')} of ${pair.user.orgCode}) at ${url}; the session lasts until ${pair.refreshExpiresAt} (${file.path})`);
    });
}

export function buildLogoutCommand(): Command {
  return new Command('logout')
    .description('end the session of `edoc login` (every service refuses its tokens at once) and forget it')
    .option('--identity-url <url>', 'the identity service (default $EDOC_IDENTITY_URL or http://127.0.0.1:3005)')
    .action(async (options: { identityUrl?: string }) => {
      const url = identityUrlOf(options);
      const file = new CredentialsFile();
      const pair = file.read(url);
      if (pair === undefined) {
        console.log(`not signed in at ${url}`);
        return;
      }
      const client = new IdentityClient(url);
      try {
        await client.logout(pair.accessToken);
      } catch {
        // The access token may have expired: a fresh one names the same session.
        await client.logout((await client.refresh(pair.refreshToken)).accessToken).catch(() => undefined);
      }
      await file.locked(async () => file.remove(url));
      console.log(`signed out ${pair.user.username} at ${url}`);
    });
}
