import { Command } from 'commander';

/** Adds --url, --token, --as and --identity-url to a command that talks to the HTTP API. */
export function withApiOptions(command: Command): Command {
  return withAuthOptions(command.option('--url <url>', 'intake HTTP API (default $EDOC_URL or http://127.0.0.1:3000)'));
}

/** How the command signs in: the session of `edoc login` unless one of these is given. */
export function withAuthOptions(command: Command): Command {
  return command
    .option('--token <jwt>', 'access token (default $EDOC_TOKEN, else the session of `edoc login`)')
    .option('--as <user>', 'sign in as a demo user with its demo password (edoc-demo-<user>; the exchange provisioned with --demo)')
    .option('--identity-url <url>', 'the identity service (default $EDOC_IDENTITY_URL or http://127.0.0.1:3005)');
}
