import { Command } from 'commander';
import { loadConfig } from '@edoc/config';
import { provision } from '../provision/provision';

export function buildProvisionCommand(): Command {
  return new Command('provision')
    .description('create the database, declare the broker topology and ward users, make the demo PKI and tokens (idempotent)')
    .action(async () => {
      const started = Date.now();
      await provision(loadConfig(), (line) => console.log(line));
      console.log(`provisioned in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
}
