import { Command } from 'commander';

/** Adds --url, --token and --as to a command that talks to the HTTP API. */
export function withApiOptions(command: Command): Command {
  return command
    .option('--url <url>', 'intake HTTP API (default $EDOC_URL or http://127.0.0.1:3000)')
    .option('--token <jwt>', 'bearer token (default $EDOC_TOKEN)')
    .option('--as <user>', 'use the token of a demo user written by `edoc up`');
}
