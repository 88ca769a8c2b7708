import { Command } from 'commander';
import { join } from 'node:path';
import { loadConfig } from '@edoc/config';
import { provision, ProvisionResult } from '../provision/provision';
import { SERVICES } from '../stack/services';
import { Supervisor } from '../stack/supervisor';
import { waitReady } from '../stack/wait-ready';
import { waitForSigners } from '../stack/wait-signers';

function guide(result: ProvisionResult, seconds: number): string[] {
  const district = result.directory.list()[0].code;
  const clerk = result.users.find((u) => u.roles.includes('clerk') && u.orgCode === district);
  const signer = result.users.find((u) => u.roles.includes('signer') && u.orgCode === district);
  const builtinWard = result.directory.list().find((o) => o.kind === 'ward' && o.channel === 'builtin');
  const wardClerk = result.users.find((u) => u.orgCode === builtinWard?.code && u.roles.includes('clerk'));
  const admin = result.users.find((u) => u.roles.includes('admin'));
  const ward = result.wards[0];
  return [
    '',
    `edoc is up in ${seconds.toFixed(1)} s: identity http://127.0.0.1:3005 (sign-in), intake http://127.0.0.1:3000 (API reference at /docs), signing :3001, routing :3002, archival :3003, metrics :3004`,
    '',
    `Demo users (${result.users.length}, deploy/seed/demo-users.json) sign in with the password edoc-demo-<username>, e.g.:`,
    ...[admin, clerk, signer, wardClerk].filter((u) => u !== undefined).map((u) => `  ${u.username.padEnd(18)} edoc-demo-${u.username.padEnd(18)} ${u.roles.join(', ')} of ${u.orgCode}`),
    '',
    `Web app for clerks and signers: http://127.0.0.1:3000/app (sign in as ${clerk?.username}, ${signer?.username} or ${wardClerk?.username})`,
    `Dashboard for administrators: http://127.0.0.1:3004/dashboard (sign in as ${admin?.username ?? 'admin'})`,
    '',
    'Send a first document (as the district clerk, signed by the chairman, to every ward):',
    `  npx edoc login --username ${clerk?.username}            # asks the password; or --as <user> on any command`,
    `  npx edoc send --to all-wards --signer ${signer?.username} --subject "Về việc tổng vệ sinh môi trường" path/to/document.pdf`,
    `  npx edoc sign-requests approve <document-id> --as ${signer?.username}   # the signer approves: signature, number, seal follow`,
    `  npx edoc status <document-id>`,
    `  npx edoc inbox --as ${wardClerk?.username}          # ${builtinWard?.name}, on the built-in inbox`,
    '',
    'Or with curl:',
    `  TOKEN=$(curl -s -H 'content-type: application/json' -d '{"username":"${clerk?.username}","password":"edoc-demo-${clerk?.username}"}' http://127.0.0.1:3005/auth/login | node -p 'JSON.parse(require("fs").readFileSync(0)).accessToken')`,
    `  curl -H "Authorization: Bearer $TOKEN" -F file=@document.pdf \\`,
    `       -F 'metadata={"type":"CV","subject":"Về việc ...","recipients":["all-wards"],"signer":"${signer?.username}"}' http://127.0.0.1:3000/documents`,
    `  # then, with the signer's token: curl -X POST -H "Authorization: Bearer $SIGNER_TOKEN" http://127.0.0.1:3001/sign-requests/<document-id>/approve`,
    '',
    ward === undefined ? '' : `Ward systems consume their own queue, e.g. ${ward.queue} as broker user ${ward.username} (password in var/secrets/ward-broker-users.json).`,
    `Logs: var/log/<service>.log. Stop with Ctrl-C.`,
  ];
}

export function buildUpCommand(): Command {
  return new Command('up')
    .description('provision and start the whole exchange with the demo district on this machine (RabbitMQ and PostgreSQL must run)')
    .option('--no-wait', 'do not wait for the services to become ready')
    .option('--no-demo', 'do not import the demo users (then create an administrator with `edoc provision --admin`)')
    .action(async (options: { wait: boolean; demo: boolean }) => {
      const started = Date.now();
      const config = loadConfig();
      const result = await provision(config, (line) => console.log(line), { demo: options.demo });
      const supervisor = new Supervisor(join(config.dataDir, 'log'), process.env, (line) => console.error(line));
      const stop = async (signal: string) => {
        console.log(`\n${signal}: stopping the services ...`);
        await supervisor.stopAll();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
      for (const service of SERVICES) supervisor.start(service.name, service.port);
      if (options.wait) {
        try {
          await Promise.all(SERVICES.map((service) => waitReady(`http://127.0.0.1:${service.port}/health/ready`, 60_000)));
          await waitForSigners(config.databaseUrl, result.users.filter((user) => user.roles.includes('signer')).map((user) => user.username), 60_000);
        } catch (error) {
          console.error(`${(error as Error).message}\nsee ${join(config.dataDir, 'log')}`);
          await supervisor.stopAll();
          process.exit(1);
        }
      }
      for (const line of guide(result, (Date.now() - started) / 1000)) console.log(line);
    });
}
