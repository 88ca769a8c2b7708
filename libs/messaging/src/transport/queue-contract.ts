import type { Message } from '@bufbuild/protobuf';

/**
 * Who may publish one message type on a queue: broker users, as RabbitMQ validates them in the
 * AMQP user_id. A list when the owner is fixed (DocumentIssued: signing's user); a function of the
 * decoded message when the owner is named inside it (a ward's StatusReport: that ward's user).
 */
export type AllowedPublishers = readonly string[] | ((message: Message) => readonly string[]);

/** For each queue a transport consumes, the AMQP types it takes and who may publish each. */
export type QueueContract = Readonly<Record<string, Readonly<Record<string, AllowedPublishers>>>>;

/** Why a message never reached a handler; the first two are breaches of the contract. */
export type RefusalKind = 'type_not_accepted' | 'wrong_publisher' | 'malformed' | 'unknown_type' | 'no_handler';

/** Refusals that a hostile or misconfigured publisher causes, as opposed to a broken message. */
export function isContractBreach(kind: RefusalKind): boolean {
  return kind === 'type_not_accepted' || kind === 'wrong_publisher';
}

export type ContractCheck = { ok: true } | { ok: false; kind: 'type_not_accepted' | 'wrong_publisher'; reason: string };

/** Whether `queue` takes messages of `type` at all. */
export function checkAcceptedType(contract: QueueContract, queue: string, type: string): ContractCheck {
  if (Object.hasOwn(contract[queue] ?? {}, type)) return { ok: true };
  return { ok: false, kind: 'type_not_accepted', reason: `type ${type} is not accepted on queue ${queue}` };
}

/**
 * Whether the publisher's validated user id may publish `type` on `queue`. An owner named inside
 * the message cannot be known before decoding: without `message` such a check passes, and must be
 * made again with the decoded message.
 */
export function checkPublisher(contract: QueueContract, queue: string, type: string, userId: string | undefined, message?: Message): ContractCheck {
  const allowed = contract[queue]?.[type];
  if (allowed === undefined) return checkAcceptedType(contract, queue, type);
  if (typeof allowed === 'function' && message === undefined) return { ok: true };
  const expected = typeof allowed === 'function' ? allowed(message as Message) : allowed;
  if (userId !== undefined && expected.includes(userId)) return { ok: true };
  return {
    ok: false,
    kind: 'wrong_publisher',
    reason: `${type} on queue ${queue} published by ${userId ?? '(no user id)'}, expected ${expected.length === 0 ? '(nobody)' : expected.join(' or ')}`,
  };
}

/** Whether the owner of `type` on `queue` can only be known from the decoded message. */
export function publisherDependsOnBody(contract: QueueContract, queue: string, type: string): boolean {
  return typeof contract[queue]?.[type] === 'function';
}

/** The queues of `queues` that the contract says nothing about: a transport must not consume them. */
export function queuesWithoutContract(contract: QueueContract, queues: readonly string[]): string[] {
  return queues.filter((queue) => !Object.hasOwn(contract, queue));
}
