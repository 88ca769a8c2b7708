import { Command } from 'commander';
import { loadConfig } from '@edoc/config';
import { provision } from '../provision/provision';

interface ProvisionCommandOptions {
  demo?: boolean;
  admin?: string;
  org?: string;
  name?: string;
}

export function buildProvisionCommand(): Command {
  return new Command('provision')
    .description('create the database, declare the broker topology and ward users, make the PKI; add the demo users or the first administrator (idempotent)')
    .option('--demo', 'import the demo users (deploy/seed/demo-users.json), each with the password edoc-demo-<username>')
    .option('--admin <username>', 'create the first district administrator (password from $EDOC_ADMIN_PASSWORD or the first line of stdin)')
    .option('--org <code>', 'the unit of the administrator (with --admin)')
    .option('--name <display name>', 'the full name of the administrator (with --admin)')
    .action(async (options: ProvisionCommandOptions) => {
      if (options.admin !== undefined && options.org === undefined) throw new Error('--admin needs --org <code>: the unit the administrator belongs to');
      const started = Date.now();
      await provision(loadConfig(), (line) => console.log(line), {
        demo: options.demo === true,
        ...(options.admin === undefined ? {} : { admin: { username: options.admin, orgCode: options.org as string, ...(options.name === undefined ? {} : { displayName: options.name }) } }),
      });
      console.log(`provisioned in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
}
