import { AmqpConnection } from '../connection/amqp-connection';
import { UnroutableMessageError } from '../errors';
import type { MessagingLogger } from '../logger';
import { ConfirmPublisher } from './confirm-publisher';
import type { OutgoingMessage } from './outgoing-message';
import { toOutgoing, type EdocMessage } from './protobuf-message';

export interface PublishOptions {
  /** The AMQP app_id; default "edoc". */
  appId?: string;
  /** The AMQP user_id: RabbitMQ refuses it unless it is the connection's own user name. */
  userId?: string;
  timeoutMs?: number;
  /** For the connection publishWithConfirm opens when given a URL. */
  logger?: MessagingLogger;
}

/**
 * Publishes protobuf messages directly (not through an outbox) and waits for each confirm;
 * an unroutable message throws UnroutableMessageError. For tools, tests and ward-system examples:
 * a service that changes state publishes through its Outbox instead.
 */
export class MessagePublisher {
  private readonly publisher: ConfirmPublisher;

  constructor(
    connection: AmqpConnection,
    private readonly opts: PublishOptions = {},
  ) {
    this.publisher = new ConfirmPublisher(connection, { name: 'message-publisher', timeoutMs: opts.timeoutMs });
  }

  /** Resolves with the messageId once the broker has confirmed it. */
  async publish(msg: EdocMessage): Promise<string> {
    const outgoing = toOutgoing(msg, { appId: this.opts.appId ?? 'edoc', userId: this.opts.userId });
    await this.publishRaw(outgoing);
    return outgoing.properties.messageId;
  }

  /** Any bytes with any properties: for tools and for tests that need a malformed message. */
  async publishRaw(outgoing: OutgoingMessage): Promise<void> {
    const outcome = await this.publisher.publish(outgoing);
    if (!outcome.routed) throw new UnroutableMessageError(outgoing.exchange, outgoing.routingKey);
  }

  async close(): Promise<void> {
    await this.publisher.close();
  }
}

/** One message, with confirm: opens a connection when given a URL, and closes it again. */
export async function publishWithConfirm(
  target: AmqpConnection | string,
  msg: EdocMessage,
  opts: PublishOptions = {},
): Promise<string> {
  const connection = typeof target === 'string' ? await AmqpConnection.connect(target, { name: 'edoc-publish', logger: opts.logger }) : target;
  const publisher = new MessagePublisher(connection, opts);
  try {
    return await publisher.publish(msg);
  } finally {
    await publisher.close();
    if (typeof target === 'string') await connection.close();
  }
}
