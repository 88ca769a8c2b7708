import { EdocExchanges, wardInboxQueue } from '../names';
import { escapeRegex, provisionBrokerUser } from '../management/broker-user';
import { RabbitManagementClient, type Permissions, type TopicPermissions } from '../management/rabbit-management-client';

export interface WardUser {
  username: string;
  password: string;
  /** The ward's organisation code: its queue is inbox.<code>, its status routing key is <code>. */
  code: string;
}

const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The least a ward system needs: read its own inbox queues, write only to the status exchange and
 * there only under its own code, configure nothing (no queue, exchange or binding of its own).
 */
export function wardPermissions(code: string, statusExchange: string = EdocExchanges.status): { permissions: Permissions; topic: TopicPermissions } {
  if (!CODE.test(code)) throw new Error(`invalid ward code "${code}": letters, digits, ".", "_" and "-" only`);
  return {
    permissions: {
      configure: '^$',
      write: `^${escapeRegex(statusExchange)}$`,
      // Its inbox and the urgent twin of it (KHẨN and above travel on a dedicated queue).
      read: `^${escapeRegex(wardInboxQueue(code))}(\\.urgent)?$`,
    },
    topic: { exchange: statusExchange, write: `^${escapeRegex(code)}$`, read: '^$' },
  };
}

/** Creates or updates a ward system's broker user and its permissions in `vhost`. Idempotent. */
export async function provisionWardUser(managementUrl: string, vhost: string, user: WardUser, opts: { statusExchange?: string } = {}): Promise<void> {
  const { permissions, topic } = wardPermissions(user.code, opts.statusExchange);
  await provisionBrokerUser(managementUrl, vhost, { username: user.username, password: user.password, permissions, topic: [topic] });
}

export async function deleteWardUser(managementUrl: string, username: string): Promise<void> {
  await new RabbitManagementClient(managementUrl).deleteUser(username);
}
