import { randomBytes } from 'node:crypto';
import { loadConfig } from '@edoc/config';
import { RabbitManagementClient, withVhost } from '@edoc/messaging';
import { isStale, uniqueName } from './stale-names';

export interface TestVhost {
  vhost: string;
  /** EDOC_AMQP_URL's server and user, this vhost. */
  amqpUrl: string;
  managementUrl: string;
  management: RabbitManagementClient;
  /** Deletes the vhost with everything in it (queues, exchanges, connections). Safe to call twice. */
  drop(): Promise<void>;
}

/**
 * Creates a RabbitMQ virtual host with a random name, so each test file has its own exchanges and
 * queues and test files can run in parallel and repeatedly. Uses the management API of
 * EDOC_RABBITMQ_MANAGEMENT_URL, whose user gets full rights on the vhost.
 */
export async function createTestVhost(opts: { amqpUrl?: string; managementUrl?: string; prefix?: string } = {}): Promise<TestVhost> {
  const config = loadConfig();
  const managementUrl = opts.managementUrl ?? config.rabbitManagementUrl;
  const amqpUrl = opts.amqpUrl ?? config.amqpUrl;
  const prefix = opts.prefix ?? 'edoc-test';
  const vhost = uniqueName(prefix, '-', randomBytes(4).toString('hex'));
  const management = new RabbitManagementClient(managementUrl);
  await dropStaleVhosts(management, prefix);
  const user = decodeURIComponent(new URL(amqpUrl).username) || 'guest';
  await management.putVhost(vhost);
  await management.setPermissions(vhost, user, { configure: '.*', write: '.*', read: '.*' });
  const managementUser = decodeURIComponent(new URL(managementUrl).username);
  if (managementUser !== '' && managementUser !== user) {
    await management.setPermissions(vhost, managementUser, { configure: '.*', write: '.*', read: '.*' });
  }
  let dropped = false;
  return {
    vhost,
    amqpUrl: withVhost(amqpUrl, vhost),
    managementUrl,
    management,
    async drop() {
      if (dropped) return;
      dropped = true;
      await management.deleteVhost(vhost);
      await deleteUsersOf(management, [vhost]);
    },
  };
}

/** Deletes vhosts of this prefix left behind by test runs that were killed. */
async function dropStaleVhosts(management: RabbitManagementClient, prefix: string): Promise<void> {
  const stale = (await management.listVhosts())
    .map((entry) => entry.name)
    .filter((name) => isStale(name, prefix, '-'));
  // Another test file may be deleting the same one: a failure here is not this test's problem.
  await Promise.all(stale.map((name) => management.deleteVhost(name).catch(() => undefined)));
  await deleteUsersOf(management, stale);
}

/**
 * Broker users are global, not per vhost: the users provisioning made for a vhost (services,
 * operator, ward systems, all named "<user>@<vhost>") go with it.
 */
async function deleteUsersOf(management: RabbitManagementClient, vhosts: string[]): Promise<void> {
  if (vhosts.length === 0) return;
  const suffixes = vhosts.map((vhost) => `@${vhost}`);
  const users = (await management.listUsers().catch(() => [])).map((user) => user.name).filter((name) => suffixes.some((suffix) => name.endsWith(suffix)));
  await Promise.all(users.map((name) => management.deleteUser(name).catch(() => undefined)));
}

/**
 * Force-closes the connections of a vhost whose client-given name matches, as an operator or a
 * broker restart would. The statistics behind the connection list lag a few seconds, so this
 * waits until a matching connection shows up. Returns how many were closed.
 */
export async function forceCloseConnections(
  management: RabbitManagementClient,
  vhost: string,
  connectionName: string,
  opts: { timeoutMs?: number } = {},
): Promise<number> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  for (;;) {
    const matching = (await management.listConnections(vhost)).filter(
      (connection) => connection.client_properties?.connection_name === connectionName,
    );
    if (matching.length > 0) {
      for (const connection of matching) await management.closeConnection(connection.name, 'edoc test: forced close');
      return matching.length;
    }
    if (Date.now() > deadline) throw new Error(`no connection named ${connectionName} in vhost ${vhost}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
