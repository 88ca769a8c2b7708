import * as amqplib from 'amqplib';
import { ManagementApiError } from '@edoc/messaging';
import { Client } from 'pg';
import { loadConfig } from '@edoc/config';
import { withDatabase } from '@edoc/db';
import { createTestDatabase, createTestVhost, waitFor } from '@edoc/testing';

describe('createTestVhost (real RabbitMQ)', () => {
  it('creates an isolated, usable vhost that drop() deletes with its queues', async () => {
    const [one, two] = await Promise.all([createTestVhost(), createTestVhost()]);
    try {
      expect(one.vhost).not.toBe(two.vhost);
      expect(one.amqpUrl).toContain(`/${encodeURIComponent(one.vhost)}`);
      const connection = await amqplib.connect(one.amqpUrl);
      const channel = await connection.createChannel();
      await channel.assertQueue('only-in-one');
      await connection.close();
      const other = await amqplib.connect(two.amqpUrl);
      other.on('error', () => undefined);
      const otherChannel = await other.createChannel();
      otherChannel.on('error', () => undefined);
      await expect(otherChannel.checkQueue('only-in-one')).rejects.toThrow(/NOT_FOUND/);
      await other.close().catch(() => undefined);
    } finally {
      await one.drop();
      await two.drop();
      await one.drop(); // twice is fine
    }
    await waitFor('the vhost to be gone', async () => {
      try {
        await one.management.request('GET', `/api/vhosts/${encodeURIComponent(one.vhost)}`);
        return false;
      } catch (error) {
        return error instanceof ManagementApiError && error.status === 404;
      }
    });
  });
});

describe('broker users of a test vhost', () => {
  it('go with it: users are global, and those named "<user>@<vhost>" belong to it', async () => {
    const vhost = await createTestVhost();
    const mine = `edoc-intake@${vhost.vhost}`;
    await vhost.management.putUser(mine, 'a-long-enough-password');
    await vhost.management.putUser('edoc-intake@someone-else-entirely', 'a-long-enough-password');
    try {
      await vhost.drop();
      const names = (await vhost.management.listUsers()).map((user) => user.name);
      expect(names).not.toContain(mine);
      expect(names).toContain('edoc-intake@someone-else-entirely');
    } finally {
      await vhost.management.deleteUser('edoc-intake@someone-else-entirely');
    }
  });
});

describe('leftovers of killed test runs', () => {
  const longAgo = (Date.now() - 2 * 3600 * 1000).toString(36);

  it('createTestVhost removes vhosts of its prefix older than a quarter of an hour, and only those', async () => {
    const first = await createTestVhost({ prefix: 'edoc-sweep' });
    const leftover = `edoc-sweep-${longAgo}-0badc0de`;
    await first.management.putVhost(leftover);
    try {
      const second = await createTestVhost({ prefix: 'edoc-sweep' });
      const names = (await second.management.listVhosts()).map((vhost) => vhost.name);
      expect(names).not.toContain(leftover);
      expect(names).toContain(first.vhost);
      await second.drop();
    } finally {
      await first.drop();
      await first.management.deleteVhost(leftover).catch(() => undefined);
    }
  });

  it('createTestDatabase drops databases of its prefix older than a quarter of an hour, and only those', async () => {
    const admin = new Client({ connectionString: withDatabase(loadConfig().databaseUrl, 'postgres') });
    await admin.connect();
    const leftover = `edoc_sweep_${longAgo}_0badc0de`;
    const first = await createTestDatabase({ prefix: 'edoc_sweep' });
    try {
      await admin.query(`CREATE DATABASE ${leftover}`);
      const second = await createTestDatabase({ prefix: 'edoc_sweep' });
      const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'edoc\\_sweep%'");
      const names = rows.map((row) => row.datname);
      expect(names).not.toContain(leftover);
      expect(names).toEqual(expect.arrayContaining([first.name, second.name]));
      await second.drop();
    } finally {
      await first.drop();
      await admin.query(`DROP DATABASE IF EXISTS ${leftover}`);
      await admin.end();
    }
  });
});
