import { EdocExchanges, wardInboxQueue } from '../names';
import { RabbitManagementClient, type Permissions, type TopicPermissions } from '../management/rabbit-management-client';

export interface WardUser {
  username: string;
  password: string;
  /** The ward's organisation code: its queue is inbox.<code>, its status routing key is <code>. */
  code: string;
}

const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

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
  if (!USERNAME.test(user.username)) throw new Error(`invalid ward user name "${user.username}"`);
  if (typeof user.password !== 'string' || user.password.length < 12) {
    throw new Error(`the password of ward user ${user.username} must have at least 12 characters`);
  }
  const { permissions, topic } = wardPermissions(user.code, opts.statusExchange);
  const api = new RabbitManagementClient(managementUrl);
  await api.putUser(user.username, user.password, []);
  await api.setPermissions(vhost, user.username, permissions);
  await api.setTopicPermissions(vhost, user.username, topic);
}

export async function deleteWardUser(managementUrl: string, username: string): Promise<void> {
  await new RabbitManagementClient(managementUrl).deleteUser(username);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
