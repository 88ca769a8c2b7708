import { BadGatewayException, HttpException, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '@edoc/identity';
import { deadLetterQueueName, errorMessage, type DeadLetter } from '@edoc/messaging';
import { consumedQueues, DeadLetterDesk, EDOC_SERVICES, serviceUrl, type DeadLetterView, type EdocService } from '@edoc/runtime';

/** One service's dead letters, or why they could not be read. */
export interface ServiceDeadLetters {
  service: EdocService;
  queues: string[];
  letters: DeadLetter[];
  /** Set when the service did not answer: the others are still shown. */
  problem?: string;
}

/** The caller's own access token, passed on so each service authorises the administrator itself. */
export interface Caller {
  principal: Principal;
  token: string;
}

const LIST_TIMEOUT_MS = 15_000;
/** A replay runs the service's handler: as long as a slow handler may take, short of the transport's own limit. */
const REPLAY_TIMEOUT_MS = 120_000;

/**
 * The web app's view of every service's dead letters. Each service keeps and replays its own (only
 * it can process them again); intake asks each one on the administrator's behalf, with the
 * administrator's token, so the browser talks to intake alone and the other services stay
 * internal.
 */
@Injectable()
export class DeadLetterRelayService {
  constructor(private readonly desk: DeadLetterDesk) {}

  async list(caller: Caller, limit: number): Promise<ServiceDeadLetters[]> {
    const services = EDOC_SERVICES.filter((service) => consumedQueues(service).length > 0);
    return Promise.all(
      services.map(async (service): Promise<ServiceDeadLetters> => {
        const queues = consumedQueues(service).map(deadLetterQueueName);
        try {
          if (service === 'intake') return { service, queues, letters: await this.desk.list(limit) };
          const answer = await this.remote<{ letters: DeadLetter[] }>(service, 'GET', `/dead-letters?limit=${limit}`, caller, LIST_TIMEOUT_MS);
          return { service, queues, letters: answer.letters };
        } catch (error) {
          return { service, queues, letters: [], problem: errorMessage(error) };
        }
      }),
    );
  }

  show(caller: Caller, queue: string, messageId: string): Promise<DeadLetterView> {
    const service = this.ownerOf(queue);
    if (service === 'intake') return this.desk.show(`${queue}/${messageId}`);
    return this.remote(service, 'GET', `/dead-letters/${encodeURIComponent(queue)}/${encodeURIComponent(messageId)}`, caller, LIST_TIMEOUT_MS);
  }

  replay(caller: Caller, queue: string, messageId: string): Promise<{ replayed: DeadLetter }> {
    const service = this.ownerOf(queue);
    if (service === 'intake') return this.desk.replay(`${queue}/${messageId}`, caller.principal).then((replayed) => ({ replayed }));
    return this.remote(service, 'POST', `/dead-letters/${encodeURIComponent(queue)}/${encodeURIComponent(messageId)}/replay`, caller, REPLAY_TIMEOUT_MS, {});
  }

  discard(caller: Caller, queue: string, messageId: string, reason: unknown): Promise<{ discarded: DeadLetter }> {
    const service = this.ownerOf(queue);
    if (service === 'intake') return this.desk.discard(`${queue}/${messageId}`, caller.principal, reason).then((discarded) => ({ discarded }));
    return this.remote(service, 'POST', `/dead-letters/${encodeURIComponent(queue)}/${encodeURIComponent(messageId)}/discard`, caller, LIST_TIMEOUT_MS, { reason });
  }

  /** The service whose queue's dead letters `queue` holds. */
  private ownerOf(queue: string): EdocService {
    const owner = EDOC_SERVICES.find((service) => consumedQueues(service).some((consumed) => deadLetterQueueName(consumed) === queue));
    if (owner === undefined) throw new NotFoundException(`${queue} is not the dead-letter queue of a service's queue`);
    return owner;
  }

  /** Calls a service; its 4xx answers come back as they are, anything else as a 502 naming it. */
  private async remote<T>(service: EdocService, method: 'GET' | 'POST', path: string, caller: Caller, timeoutMs: number, body?: unknown): Promise<T> {
    let answer: Response;
    try {
      answer = await fetch(`${serviceUrl(service)}${path}`, {
        method,
        headers: { authorization: `Bearer ${caller.token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new BadGatewayException(`${service} did not answer: ${errorMessage(error)}`);
    }
    const text = await answer.text();
    const parsed = parseJson(text);
    if (answer.ok) return parsed as T;
    const message = (parsed as { message?: unknown } | undefined)?.message;
    const reason = typeof message === 'string' ? message : Array.isArray(message) ? message.join('; ') : `HTTP ${answer.status}`;
    if (answer.status >= 400 && answer.status < 500) throw new HttpException({ statusCode: answer.status, message: reason }, answer.status);
    throw new BadGatewayException(`${service} answered ${answer.status}: ${reason}`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
