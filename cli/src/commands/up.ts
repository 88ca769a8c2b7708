import { Command } from 'commander';
import { join } from 'node:path';
import { loadConfig } from '@edoc/config';
import { provision, ProvisionResult } from '../provision/provision';
import { SERVICES } from '../stack/services';
import { Supervisor } from '../stack/supervisor';
import { waitReady } from '../stack/wait-ready';

function guide(result: ProvisionResult, seconds: number): string[] {
  const clerk = Object.entries(result.tokens).find(([, t]) => t.roles.includes('clerk') && t.orgCode === result.directory.list()[0].code);
  const signer = result.users.find((u) => u.roles.includes('signer') && u.orgCode === clerk?.[1].orgCode);
  const builtinWard = result.directory.list().find((o) => o.kind === 'ward' && o.channel === 'builtin');
  const wardClerk = Object.entries(result.tokens).find(([, t]) => t.orgCode === builtinWard?.code && t.roles.includes('clerk'));
  const ward = result.wards[0];
  return [
    '',
    `edoc is up in ${seconds.toFixed(1)} s: intake http://127.0.0.1:3000 (API reference at /docs), signing :3001, routing :3002, archival :3003, metrics :3004`,
    `Dashboard for administrators: http://127.0.0.1:3004/dashboard (sign in with the token of user admin)`,
    '',
    'Send a first document (as the district clerk, signed by the chairman, to every ward):',
    `  npx edoc send --as ${clerk?.[0]} --to all-wards --signer ${signer?.username} --subject "Về việc tổng vệ sinh môi trường" path/to/document.pdf`,
    `  npx edoc status --as ${clerk?.[0]} <document-id>`,
    `  npx edoc inbox --as ${wardClerk?.[0]}          # ${builtinWard?.name}, on the built-in inbox`,
    '',
    'Or with curl:',
    `  TOKEN=$(node -p "require('./var/demo-tokens.json')['${clerk?.[0]}'].token")`,
    `  curl -H "Authorization: Bearer $TOKEN" -F file=@document.pdf \\`,
    `       -F 'metadata={"type":"CV","subject":"Về việc ...","recipients":["all-wards"],"signer":"${signer?.username}"}' http://127.0.0.1:3000/documents`,
    '',
    ward === undefined ? '' : `Ward systems consume their own queue, e.g. ${ward.queue} as broker user ${ward.username} (password in var/secrets/ward-broker-users.json).`,
    `Demo users and tokens: var/demo-tokens.json. Logs: var/log/<service>.log. Stop with Ctrl-C.`,
  ];
}

export function buildUpCommand(): Command {
  return new Command('up')
    .description('provision and start the whole exchange with the demo district on this machine (RabbitMQ and PostgreSQL must run)')
    .option('--no-wait', 'do not wait for the services to become ready')
    .action(async (options: { wait: boolean }) => {
      const started = Date.now();
      const config = loadConfig();
      const result = await provision(config, (line) => console.log(line));
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
        } catch (error) {
          console.error(`${(error as Error).message}\nsee ${join(config.dataDir, 'log')}`);
          await supervisor.stopAll();
          process.exit(1);
        }
      }
      for (const line of guide(result, (Date.now() - started) / 1000)) console.log(line);
    });
}
