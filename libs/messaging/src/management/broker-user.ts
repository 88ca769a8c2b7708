import { RabbitManagementClient, type Permissions, type TopicPermissions } from './rabbit-management-client';

/** A broker user and all it may do in one vhost. */
export interface BrokerUserGrant {
  username: string;
  password: string;
  /** RabbitMQ user tags, e.g. "impersonator"; none by default (no management UI, no forging of user_id). */
  tags?: string[];
  permissions: Permissions;
  /** Routing keys it may use, per topic exchange; an exchange not listed here is not restricted by key. */
  topic?: TopicPermissions[];
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
export const MIN_BROKER_PASSWORD_LENGTH = 12;

/** Creates or updates a broker user with exactly these rights in `vhost`. Idempotent. Passwords are never logged. */
export async function provisionBrokerUser(managementUrl: string, vhost: string, grant: BrokerUserGrant): Promise<void> {
  if (!USERNAME.test(grant.username)) throw new Error(`invalid broker user name "${grant.username}"`);
  if (typeof grant.password !== 'string' || grant.password.length < MIN_BROKER_PASSWORD_LENGTH) {
    throw new Error(`the password of broker user ${grant.username} must have at least ${MIN_BROKER_PASSWORD_LENGTH} characters`);
  }
  const api = new RabbitManagementClient(managementUrl);
  await api.putUser(grant.username, grant.password, grant.tags ?? []);
  await api.setPermissions(vhost, grant.username, grant.permissions);
  for (const topic of grant.topic ?? []) await api.setTopicPermissions(vhost, grant.username, topic);
}

/** A regular expression matching exactly these names (none when the list is empty). */
export function exactNames(names: readonly string[]): string {
  return names.length === 0 ? '^$' : `^(${names.map(escapeRegex).join('|')})$`;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
