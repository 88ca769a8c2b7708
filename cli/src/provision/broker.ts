import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { EdocConfig } from '@edoc/config';
import type { Directory } from '@edoc/directory';
import { declareTopology, EdocExchanges, provisionWardUser, vhostOf, wardBrokerUser, wardInboxQueue } from '@edoc/messaging';
import { edocTopology } from '@edoc/runtime';
import { readJsonIfExists, writeSecretFile } from './files';

export interface WardCredential {
  code: string;
  username: string;
  password: string;
  queue: string;
}

/** Declares exchanges, queues and bindings once, then gives each ward system its own broker user. */
export async function provisionBroker(config: EdocConfig, directory: Directory): Promise<{ queues: number; wards: WardCredential[] }> {
  const topology = edocTopology(directory, config.deliveryLimit);
  await declareTopology(config.amqpUrl, topology);
  const secretsFile = join(config.dataDir, 'secrets', 'ward-broker-users.json');
  const known = readJsonIfExists<Record<string, WardCredential>>(secretsFile) ?? {};
  const wards: WardCredential[] = [];
  for (const org of directory.list().filter((o) => o.channel === 'queue')) {
    const credential = known[org.code] ?? { code: org.code, username: wardBrokerUser(org.code, vhostOf(config.amqpUrl)), password: randomBytes(18).toString('base64url'), queue: wardInboxQueue(org.code) };
    await provisionWardUser(config.rabbitManagementUrl, vhostOf(config.amqpUrl), { username: credential.username, password: credential.password, code: org.code }, { statusExchange: EdocExchanges.status });
    wards.push(credential);
  }
  writeSecretFile(secretsFile, `${JSON.stringify(Object.fromEntries(wards.map((w) => [w.code, w])), null, 2)}\n`);
  return { queues: topology.queues.length, wards };
}
