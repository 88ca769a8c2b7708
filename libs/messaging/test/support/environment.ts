import * as amqplib from 'amqplib';
import { Database, runMigrations } from '@edoc/db';
import { declareTopology, messagingMigrationsDir, type Topology } from '@edoc/messaging';
import { createTestDatabase, createTestVhost, type TestDatabase, type TestVhost } from '@edoc/testing';

export interface MessagingEnvironment {
  vhost: TestVhost;
  testDb: TestDatabase;
  db: Database;
  schema: string;
  /** A plain amqplib channel for the test to look into queues. */
  channel: amqplib.Channel;
  cleanup(): Promise<void>;
}

/** A fresh vhost with the topology declared, a fresh database with the outbox/inbox migrated. */
export async function messagingEnvironment(topology: Topology, schema = 'svc'): Promise<MessagingEnvironment> {
  const [vhost, testDb] = await Promise.all([createTestVhost(), createTestDatabase()]);
  const db = new Database({ url: testDb.url, max: 8, applicationName: 'edoc-messaging-test', logger: { warn: () => undefined } });
  await runMigrations(db, { schema, directories: [messagingMigrationsDir] });
  await declareTopology(vhost.amqpUrl, topology);
  const connection = await amqplib.connect(vhost.amqpUrl);
  connection.on('error', () => undefined);
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  return {
    vhost,
    testDb,
    db,
    schema,
    channel,
    async cleanup() {
      await connection.close().catch(() => undefined);
      await db.close();
      await Promise.all([vhost.drop(), testDb.drop()]);
    },
  };
}

export const eventsTopology = (queues: Topology['queues']): Topology => ({
  exchanges: [{ name: 'edoc.events', type: 'topic' }],
  queues,
  deadLetterExchange: 'edoc.dlx',
});
