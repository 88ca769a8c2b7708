import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EdocConfig } from '@edoc/config';
import type { Directory } from '@edoc/directory';
import {
  declareTopology,
  EdocExchanges,
  operatorBrokerUser,
  provisionBrokerUser,
  provisionWardUser,
  removeStaleBindings,
  serviceBrokerUser,
  vhostOf,
  wardBrokerUser,
  wardInboxQueue,
} from '@edoc/messaging';
import { brokerCredentialFile, legacyBrokerCredentialFile, type BrokerCredential, type BrokerRights, EDOC_SERVICES, edocTopology, operatorBrokerRights, serviceBrokerRights } from '@edoc/runtime';
import { readJsonIfExists, writeSecretFile } from './files';

export interface WardCredential {
  code: string;
  username: string;
  password: string;
  queue: string;
}

export interface BrokerProvisioning {
  queues: number;
  wards: WardCredential[];
  /** The broker users of the services and of the operators' tools, by owner. */
  users: Record<string, string>;
  staleBindings: string[];
  /** Queues an older release declared with other settings, replaced because they were empty and unused. */
  redeclared: string[];
}

/**
 * Declares the topology of the message contract, removes bindings it no longer has, and gives each
 * service, the operators' tools and each ward system a broker user of its own with the least it
 * needs. Passwords are made once and kept in owner-only files under <data dir>/secrets.
 */
export async function provisionBroker(config: EdocConfig, directory: Directory): Promise<BrokerProvisioning> {
  const vhost = vhostOf(config.amqpUrl);
  const topology = edocTopology(directory, config.deliveryLimit);
  const { redeclared } = await declareTopology(config.amqpUrl, topology);
  const staleBindings = await removeStaleBindings(config.rabbitManagementUrl, vhost, topology);

  const users: Record<string, string> = {};
  for (const service of EDOC_SERVICES) {
    users[service] = await provisionOwnUser(config, service, serviceBrokerUser(service, vhost), serviceBrokerRights(service));
  }
  users.operator = await provisionOwnUser(config, 'operator', operatorBrokerUser(vhost), operatorBrokerRights());

  const secretsFile = join(config.dataDir, 'secrets', 'ward-broker-users.json');
  const known = readJsonIfExists<Record<string, WardCredential>>(secretsFile) ?? {};
  const wards: WardCredential[] = [];
  for (const org of directory.list().filter((o) => o.channel === 'queue')) {
    const credential = known[org.code] ?? { code: org.code, username: wardBrokerUser(org.code, vhost), password: newPassword(), queue: wardInboxQueue(org.code) };
    await provisionWardUser(config.rabbitManagementUrl, vhost, { username: credential.username, password: credential.password, code: org.code }, { statusExchange: EdocExchanges.status });
    wards.push(credential);
  }
  writeSecretFile(secretsFile, `${JSON.stringify(Object.fromEntries(wards.map((w) => [w.code, w])), null, 2)}\n`);
  return { queues: topology.queues.length, wards, users, staleBindings, redeclared };
}

/**
 * One user of edoc's own. Its password is EDOC_BROKER_PASSWORD_<OWNER> when set (Kubernetes: the
 * same value is in that service's own Secret, and no file is written), else the one kept from an
 * earlier run, else a new one, kept in the owner's own secrets folder, owner-only.
 */
async function provisionOwnUser(config: EdocConfig, owner: string, username: string, rights: BrokerRights): Promise<string> {
  const given = process.env[`EDOC_BROKER_PASSWORD_${owner.toUpperCase()}`];
  if (given !== undefined && given !== '') {
    await provisionBrokerUser(config.rabbitManagementUrl, vhostOf(config.amqpUrl), { username, password: given, ...rights });
    return username;
  }
  const file = brokerCredentialFile(config.dataDir, owner);
  const legacy = legacyBrokerCredentialFile(config.dataDir, owner);
  const kept = readJsonIfExists<Partial<BrokerCredential>>(file) ?? readJsonIfExists<Partial<BrokerCredential>>(legacy);
  const credential: BrokerCredential = { username, password: kept?.username === username && typeof kept.password === 'string' ? kept.password : newPassword() };
  await provisionBrokerUser(config.rabbitManagementUrl, vhostOf(config.amqpUrl), { ...credential, ...rights });
  writeSecretFile(file, `${JSON.stringify(credential, null, 2)}\n`);
  // The shared folder of every service's password goes: each keeps its own.
  rmSync(legacy, { force: true });
  return username;
}

function newPassword(): string {
  return randomBytes(18).toString('base64url');
}
