import { BadRequestException, ConflictException, Inject, Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { isPrintable } from '@edoc/contracts';
import type { EdocConfig } from '@edoc/config';
import type { Principal } from '@edoc/identity';
import { DeadLetterAdmin, DeadLetterNotFoundError, deadLetterQueueName, errorMessage, type DeadLetter, type DeadLetterDetails, type EdocTransport } from '@edoc/messaging';
import { ownBrokerUrl } from '../broker-credentials';
import { consumedQueues } from '../message-contract';
import { EDOC_CONFIG, SERVICE_OPTIONS, type ServiceOptions } from '../service-options';

/** A dead letter as the HTTP API shows it: no raw headers or body, the decoded message instead. */
export const MAX_DISCARD_REASON_LENGTH = 500;

export type DeadLetterView = Omit<DeadLetterDetails, 'headers' | 'body'>;

/**
 * The dead letters of this service's own queues, for the district's administrators: list, show,
 * replay, discard. A replay is processed here, by this service's handlers, after the queue's
 * contract is checked again against the recorded publisher; no one's identity is borrowed, so a
 * web-facing service never needs the broker operator's right to impersonate. Connects as the
 * service's own broker user, which may read its dead-letter queues and nothing else.
 */
@Injectable()
export class DeadLetterDesk {
  private readonly log: Logger;
  private transport: EdocTransport | undefined;

  constructor(
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(EDOC_CONFIG) private readonly config: EdocConfig,
  ) {
    this.log = new Logger(`${options.name}:dead-letters`);
  }

  /** Replays need the consumer's handlers: given once the service consumes. */
  attach(transport: EdocTransport): void {
    this.transport = transport;
  }

  /** The dead-letter queues of the queues this service consumes. */
  deadLetterQueues(): string[] {
    return consumedQueues(this.options.name).map(deadLetterQueueName);
  }

  async list(limit: number): Promise<DeadLetter[]> {
    if (this.deadLetterQueues().length === 0) return [];
    return this.withAdmin((admin) => admin.list({ limit }));
  }

  async show(id: string): Promise<DeadLetterView> {
    this.assertOurs(id);
    const { headers: _headers, body: _body, ...view } = await this.withAdmin((admin) => admin.show(id));
    return view;
  }

  async replay(id: string, actor: Principal): Promise<DeadLetter> {
    this.assertOurs(id);
    const transport = this.transport;
    if (transport === undefined) throw new ServiceUnavailableException(`${this.options.name} is not consuming yet (database or broker not ready); try again shortly`);
    const letter = await this.withAdmin((admin) =>
      admin.reprocess(id, async (found, message) => {
        if (found.queue === undefined || deadLetterQueueName(found.queue) !== found.deadLetterQueue) {
          throw new ConflictException(`dead letter ${id} says it failed in ${found.queue ?? 'no queue'}, not in the queue of ${found.deadLetterQueue}; it stays`);
        }
        try {
          await transport.reprocessDeadLetter(found, message);
        } catch (error) {
          throw new ConflictException(`replay of ${id} did not succeed, it stays a dead letter: ${errorMessage(error)}`);
        }
      }),
    );
    this.log.log(`dead letter ${id} (${letter.type ?? 'no type'}) replayed by ${actor.username}`);
    return letter;
  }

  /** `reason` is required: a message given up for good must say why, next to who did it. */
  async discard(id: string, actor: Principal, rawReason: unknown): Promise<DeadLetter> {
    const reason = discardReason(rawReason);
    this.assertOurs(id);
    const letter = await this.withAdmin((admin) => admin.discard(id));
    this.log.warn(`dead letter ${id} (${letter.type ?? 'no type'}, failed for: ${letter.reason}) discarded by ${actor.username}: ${reason}`);
    return letter;
  }

  /** An id names a dead-letter queue of this service, then a message: dlq.<queue>/<message id>. */
  private assertOurs(id: string): void {
    const queue = id.slice(0, Math.max(0, id.indexOf('/')));
    if (!this.deadLetterQueues().includes(queue)) throw new NotFoundException(`${queue || id} is not a dead-letter queue of ${this.options.name}`);
  }

  private async withAdmin<T>(run: (admin: DeadLetterAdmin) => Promise<T>): Promise<T> {
    const admin = new DeadLetterAdmin({ amqpUrl: ownBrokerUrl(this.config, this.options.name), queues: this.deadLetterQueues() });
    try {
      return await run(admin);
    } catch (error) {
      if (error instanceof DeadLetterNotFoundError) throw new NotFoundException(error.message);
      if (error instanceof ConflictException) throw error;
      if (/cannot connect to RabbitMQ/.test(errorMessage(error))) throw new ServiceUnavailableException(`the broker cannot be reached: ${errorMessage(error)}`);
      throw error;
    } finally {
      await admin.close();
    }
  }
}

function discardReason(raw: unknown): string {
  const reason = typeof raw === 'string' ? raw.trim() : '';
  if (reason === '') throw new BadRequestException('reason is required: say why the message is given up for good');
  if (reason.length > MAX_DISCARD_REASON_LENGTH || !isPrintable(reason)) throw new BadRequestException(`reason must be at most ${MAX_DISCARD_REASON_LENGTH} printable characters`);
  return reason;
}
