import { redactUrl } from '@edoc/config';

const REQUEST_TIMEOUT_MS = 30_000;

/** A queue as the management API lists it (only the fields edoc reads). */
export interface ManagementQueue {
  name: string;
  vhost: string;
  type?: string;
  messages?: number;
  messages_ready?: number;
  messages_unacknowledged?: number;
  consumers?: number;
  arguments?: Record<string, unknown>;
}

export interface ManagementConnection {
  name: string;
  vhost: string;
  user: string;
  client_properties?: { connection_name?: string };
}

export interface ManagementBinding {
  /** The exchange; "" for the default exchange's implicit binding. */
  source: string;
  destination: string;
  destination_type: 'queue' | 'exchange';
  routing_key: string;
  properties_key: string;
}

export interface Permissions {
  configure: string;
  write: string;
  read: string;
}

export interface TopicPermissions {
  exchange: string;
  write: string;
  read: string;
}

/**
 * A small client of the RabbitMQ management HTTP API, for provisioning, the dead-letter tools
 * and tests. Credentials come from the URL (http://user:password@host:15672) and are sent as a
 * Basic header; errors show the URL without its password.
 */
export class RabbitManagementClient {
  private readonly base: string;
  private readonly authorization: string;
  private readonly redacted: string;

  constructor(managementUrl: string) {
    let url: URL;
    try {
      url = new URL(managementUrl);
    } catch {
      throw new Error(`invalid RabbitMQ management URL ${redactUrl(managementUrl)}: expected http://user:password@host:15672`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`invalid RabbitMQ management URL ${redactUrl(managementUrl)}: the scheme must be http:// or https://`);
    }
    this.redacted = redactUrl(managementUrl);
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    this.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    url.username = '';
    url.password = '';
    this.base = url.toString().replace(/\/+$/, '');
  }

  async request<T>(method: 'GET' | 'PUT' | 'DELETE' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: { ...headers, authorization: this.authorization, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') {
        throw new Error(`RabbitMQ management API at ${this.redacted} did not answer ${method} ${path} within ${REQUEST_TIMEOUT_MS / 1000} s`);
      }
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new Error(`RabbitMQ management API at ${this.redacted} unreachable: ${cause}`);
    }
    const text = await response.text();
    if (!response.ok) {
      throw new ManagementApiError(method, path, response.status, describeFailure(text));
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  listVhosts(): Promise<{ name: string }[]> {
    return this.request('GET', '/api/vhosts?columns=name');
  }

  putVhost(vhost: string): Promise<void> {
    return this.request('PUT', `/api/vhosts/${enc(vhost)}`, {});
  }

  deleteVhost(vhost: string): Promise<void> {
    return this.request('DELETE', `/api/vhosts/${enc(vhost)}`);
  }

  putUser(username: string, password: string, tags: string[] = []): Promise<void> {
    return this.request('PUT', `/api/users/${enc(username)}`, { password, tags: tags.join(',') });
  }

  listUsers(): Promise<{ name: string }[]> {
    return this.request('GET', '/api/users?columns=name');
  }

  deleteUser(username: string): Promise<void> {
    return this.request('DELETE', `/api/users/${enc(username)}`);
  }

  setPermissions(vhost: string, username: string, permissions: Permissions): Promise<void> {
    return this.request('PUT', `/api/permissions/${enc(vhost)}/${enc(username)}`, permissions);
  }

  setTopicPermissions(vhost: string, username: string, permissions: TopicPermissions): Promise<void> {
    return this.request('PUT', `/api/topic-permissions/${enc(vhost)}/${enc(username)}`, permissions);
  }

  listQueues(vhost: string): Promise<ManagementQueue[]> {
    return this.request('GET', `/api/queues/${enc(vhost)}`);
  }

  getQueue(vhost: string, queue: string): Promise<ManagementQueue> {
    return this.request('GET', `/api/queues/${enc(vhost)}/${enc(queue)}`);
  }

  listQueueBindings(vhost: string, queue: string): Promise<ManagementBinding[]> {
    return this.request('GET', `/api/queues/${enc(vhost)}/${enc(queue)}/bindings`);
  }

  deleteQueueBinding(vhost: string, binding: ManagementBinding): Promise<void> {
    return this.request('DELETE', `/api/bindings/${enc(vhost)}/e/${enc(binding.source)}/q/${enc(binding.destination)}/${enc(binding.properties_key)}`);
  }

  /** Connections as the statistics database knows them: a new one appears after a few seconds. */
  listConnections(vhost?: string): Promise<ManagementConnection[]> {
    return this.request('GET', vhost === undefined ? '/api/connections' : `/api/vhosts/${enc(vhost)}/connections`);
  }

  /** Force-closes a connection (as an operator would); one already gone counts as closed. */
  async closeConnection(name: string, reason = 'closed by edoc'): Promise<void> {
    try {
      await this.request('DELETE', `/api/connections/${enc(name)}`, undefined, { 'x-reason': reason });
    } catch (error) {
      if (!(error instanceof ManagementApiError && error.status === 404)) throw error;
    }
  }
}

export class ManagementApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(`RabbitMQ management API ${method} ${path} failed with ${status}: ${detail}`);
    this.name = 'ManagementApiError';
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function describeFailure(text: string): string {
  try {
    const parsed = JSON.parse(text) as { reason?: unknown; error?: unknown };
    if (typeof parsed.reason === 'string') return parsed.reason;
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON
  }
  return text.slice(0, 200) || '(empty response)';
}
