import { demoPassword, fixedToken, IdentityClient, IdentityError, identityUrl, SessionTokenSource, type TokenSource } from '@edoc/identity-client';
import { CredentialsFile } from './credentials-file';

/** How a command that talks to the HTTP API authenticates. */
export interface AuthOptions {
  token?: string;
  as?: string;
  identityUrl?: string;
}

/** --identity-url, else $EDOC_IDENTITY_URL, else http://127.0.0.1:3005. */
export function identityUrlOf(options: AuthOptions): string {
  return (options.identityUrl ?? identityUrl()).replace(/\/+$/, '');
}

const sources = new Map<string, TokenSource>();

/**
 * The token a command uses, by precedence: --token; --as USER (a demo user, signed in with its demo
 * password for this command); $EDOC_TOKEN; the session `edoc login` stored, refreshed when its
 * access token has expired. One source per way in, so a command with two clients signs in once.
 */
export function tokenSourceFor(options: AuthOptions): TokenSource {
  const url = identityUrlOf(options);
  const key = options.token ? `token:${options.token}` : options.as ? `as:${url}:${options.as}` : process.env.EDOC_TOKEN ? 'env' : `stored:${url}`;
  let source = sources.get(key);
  if (source === undefined) {
    source = makeSource(options, url);
    sources.set(key, source);
  }
  return source;
}

function makeSource(options: AuthOptions, url: string): TokenSource {
  if (options.token) return fixedToken(options.token);
  const client = new IdentityClient(url);
  if (options.as) {
    const username = options.as;
    return new SessionTokenSource({ client, signIn: () => demoSignIn(client, username) });
  }
  if (process.env.EDOC_TOKEN) return fixedToken(process.env.EDOC_TOKEN);
  const file = new CredentialsFile();
  return new SessionTokenSource({
    client,
    load: async () => file.read(url),
    save: async (pair) => file.write(url, pair),
    // Renewed under the file's lock: the refresh token in it is good once.
    exclusive: (work) => file.locked(work),
  });
}

async function demoSignIn(client: IdentityClient, username: string) {
  try {
    return await client.login(username, demoPassword(username));
  } catch (error) {
    if (error instanceof IdentityError && error.status === 401) {
      throw new IdentityError(401, `cannot sign in as the demo user ${username} with its demo password (${error.message}); is the exchange provisioned with --demo (npm start)?`);
    }
    throw error;
  }
}
