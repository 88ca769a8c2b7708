import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EdocConfig } from '@edoc/config';
import { serviceBrokerUser, vhostOf, withCredentials } from '@edoc/messaging';
import { secretsDirOf } from './service-secrets';

/** A broker user's name and password, as provisioning writes them for one service or tool. */
export interface BrokerCredential {
  username: string;
  password: string;
}

/** Where `edoc provision` keeps the broker credential of a service (or "operator"): in that owner's own secrets folder. */
export function brokerCredentialFile(dataDir: string, owner: string): string {
  return join(secretsDirOf({ dataDir }, owner, {}), 'broker.json');
}

/** Where provisioning kept it before each service had a secrets folder of its own (moved at the next provisioning). */
export function legacyBrokerCredentialFile(dataDir: string, owner: string): string {
  return join(dataDir, 'secrets', 'broker', `${owner}.json`);
}

/**
 * How `owner` (a service, or "operator") connects to the broker: the server and vhost of
 * EDOC_AMQP_URL with its own user, never the administrator's. The user and password come from
 * EDOC_BROKER_USER and EDOC_BROKER_PASSWORD (a secret of its own, in Kubernetes), else from the
 * file `edoc provision` wrote. Without either, it says what to do.
 */
export function ownBrokerUrl(config: EdocConfig, owner: string, env: NodeJS.ProcessEnv = process.env): string {
  const credential = brokerCredentialOf(config, owner, env);
  if (credential === undefined) {
    throw new Error(
      `no broker credentials for ${owner}: run \`edoc provision\` (it writes ${brokerCredentialFile(config.dataDir, owner)}), ` +
        `or set EDOC_BROKER_USER and EDOC_BROKER_PASSWORD (the user ${serviceBrokerUser(owner, vhostOf(config.amqpUrl))} that provisioning made)`,
    );
  }
  if (credential.username === 'guest') throw new Error(`${owner} may not connect to the broker as guest: give it the user provisioning made for it`);
  return withCredentials(config.amqpUrl, credential.username, credential.password);
}

/** `owner`'s broker user: from EDOC_BROKER_USER and EDOC_BROKER_PASSWORD, else from the file provisioning wrote. */
export function brokerCredentialOf(config: Pick<EdocConfig, 'dataDir'>, owner: string, env: NodeJS.ProcessEnv = process.env): BrokerCredential | undefined {
  return credentialFromEnv(env) ?? credentialFromFile(join(secretsDirOf(config, owner, env), 'broker.json'));
}

/** The URL of `owner`'s own broker user from the file provisioning wrote, or undefined when there is none. */
export function provisionedBrokerUrl(config: EdocConfig, owner: string): string | undefined {
  const credential = credentialFromFile(brokerCredentialFile(config.dataDir, owner));
  return credential === undefined ? undefined : withCredentials(config.amqpUrl, credential.username, credential.password);
}

function credentialFromEnv(env: NodeJS.ProcessEnv): BrokerCredential | undefined {
  const username = env.EDOC_BROKER_USER;
  const password = env.EDOC_BROKER_PASSWORD;
  if (username === undefined || username === '' || password === undefined || password === '') return undefined;
  return { username, password };
}

function credentialFromFile(file: string): BrokerCredential | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: Partial<BrokerCredential>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<BrokerCredential>;
  } catch (error) {
    throw new Error(`cannot read the broker credential ${file}: ${(error as Error).message}`);
  }
  if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string') throw new Error(`${file} has no username and password`);
  return { username: parsed.username, password: parsed.password };
}
