import type { AmqpConnection } from '../connection/amqp-connection';
import { backoffDelayMs } from '../connection/backoff';
import { BROKER_RPC_TIMEOUT_MS, withinDeadline } from '../connection/broker-deadline';
import { errorMessage } from '../errors';
import type { MessagingLogger } from '../logger';

export interface QueueCheckOptions {
  /** How long the broker may stay unreachable before the check gives up. */
  timeoutMs: number;
  logger: MessagingLogger;
  /** Asked before each new try: a service told to stop gives up at once. */
  stopping?: () => boolean;
}

/**
 * Throws, with what to do, when one of `queues` was never declared: topology is provisioning's job,
 * and a consumer that declared its own queues would hide a missing step. A broker lost during the
 * check (restarted, connection cut) is no such answer: the check waits for the reconnect and asks
 * again, so a service started while RabbitMQ restarts comes up with it instead of exiting.
 */
export async function assertQueuesProvisioned(connection: AmqpConnection, queues: readonly string[], opts: QueueCheckOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (const queue of queues) {
    for (let failures = 1; ; failures++) {
      try {
        await checkQueueOnce(connection, queue, Math.max(1, deadline - Date.now()));
        break;
      } catch (error) {
        if (error instanceof QueueNotProvisionedError) throw error;
        const retryInMs = backoffDelayMs(failures, 100, 2_000);
        if (opts.stopping?.() === true || Date.now() + retryInMs >= deadline) throw error;
        opts.logger.warn(`checking queue ${queue} failed (${errorMessage(error)}); asking again in ${retryInMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, retryInMs));
      }
    }
  }
}

class QueueNotProvisionedError extends Error {}

async function checkQueueOnce(connection: AmqpConnection, queue: string, timeoutMs: number): Promise<void> {
  const model = await connection.waitForConnection(timeoutMs);
  const channel = await withinDeadline(model.createChannel(), BROKER_RPC_TIMEOUT_MS, `opening a channel to check queue ${queue}`, (late) => {
    late.close().catch(() => undefined);
  });
  channel.on('error', () => undefined);
  try {
    await withinDeadline(channel.checkQueue(queue), BROKER_RPC_TIMEOUT_MS, `checking queue ${queue}`);
  } catch (error) {
    if (/NOT[_-]FOUND|\b404\b/.test(errorMessage(error))) {
      throw new QueueNotProvisionedError(`queue "${queue}" does not exist in vhost "${connection.vhost}": run \`npm run provision\` to declare the broker topology`);
    }
    throw error;
  } finally {
    await channel.close().catch(() => undefined);
  }
}
