import type { MessageTypeName } from '@edoc/contracts';
import { URGENT_SUFFIX } from './events';

/** edoc's own services: each has a broker user of its own and publishes only the types it owns. */
export const EDOC_SERVICES = ['intake', 'signing', 'routing', 'archival', 'metrics', 'identity', 'gateway'] as const;
export type EdocService = (typeof EDOC_SERVICES)[number];

/** A publisher: one of the services, or the ward system whose code the message names (a status report's from_code). */
export type Publisher = EdocService | 'ward';

/** What a service's queue takes. */
export interface QueueSpec {
  consumer: EdocService;
  accepts: readonly MessageTypeName[];
  /** A twin "<queue>.urgent" takes the same types on the urgent path (KHẨN and above). */
  urgentTwin: boolean;
  /** Handled one at a time, in order (single active consumer, prefetch 1). */
  ordered?: boolean;
  /**
   * Whose deliveries the queue takes when it accepts `delivery`: the units on the built-in inbox
   * (default), or the outside organs reached through the national axis (channel "axis").
   */
  deliveriesFor?: 'builtin' | 'axis';
}

/** The queue of every status report; ordered, so 01 then 03 published back to back apply in that order. */
export const ROUTING_STATUS_QUEUE = 'routing.status';

/** What the identity service tells the audit trail: sign-ins, their failures, lockouts, sign-outs, changes to users and keys. */
const IDENTITY_AUDIT_EVENTS = ['userChanged', 'signedIn', 'signInFailed', 'accountLocked', 'signedOut', 'refreshTokenReused', 'signingKeyRotated'] as const;

/** Event types that every service may publish about itself. */
const SELF_REPORTS: readonly Publisher[] = EDOC_SERVICES;

/**
 * THE message contract of the exchange: who publishes each type, and what each queue takes.
 * Provisioning declares the topology (bindings) and the broker users' permissions from it, and
 * every consumer refuses, into its dead-letter queue, a type its queue does not take or a type
 * published by anyone but its owner. A type not listed for a queue never reaches a handler there.
 */
export const MESSAGE_CONTRACT = {
  owners: {
    documentSubmitted: ['intake'],
    signatureApproved: ['signing'],
    signatureReturned: ['signing'],
    personSignatureApplied: ['signing'],
    documentNumbered: ['intake'],
    documentIssued: ['signing'],
    // Signing fails a document it cannot sign; intake one it cannot number.
    documentFailed: ['signing', 'intake'],
    // From an edXML package of the national axis, which intake validated.
    documentImported: ['intake'],
    // What the axis gateway took from the national axis, for intake to judge and apply.
    edxmlPackageReceived: ['gateway'],
    edxmlStatusReceived: ['gateway'],
    // A status reported here on a document from the axis, for the gateway to send its issuer.
    edxmlStatusOutgoing: ['intake'],
    deliveryCreated: ['routing'],
    deliveriesCreated: ['routing'],
    // Reports of units on the built-in inbox, which intake authenticated.
    statusReported: ['intake'],
    statusesReported: ['intake'],
    deliveryStatusChanged: ['routing'],
    deliveryStatusesChanged: ['routing'],
    deliveryReceiptOverdue: ['routing'],
    registerEntryRecorded: ['intake'],
    registerEntriesRecorded: ['intake'],
    messageRejected: SELF_REPORTS,
    delivery: ['routing'],
    builtinDeliveries: ['routing'],
    // Told to a ward system whose report routing refused, on the ward's own queue.
    reportRefused: ['routing'],
    // A ward system's own report: only the ward whose code it reports for.
    statusReport: ['ward'],
    userChanged: ['identity'],
    signedIn: ['identity'],
    signInFailed: ['identity'],
    accountLocked: ['identity'],
    signedOut: ['identity'],
    refreshTokenReused: ['identity'],
    sessionsRevoked: ['identity'],
    signingKeyRotated: ['identity'],
  } satisfies Record<MessageTypeName, readonly Publisher[]>,
  queues: {
    // signature.approved: the approval is recorded by the HTTP request, the signature made from the queue.
    'signing.events': { consumer: 'signing', urgentTwin: true, accepts: ['documentSubmitted', 'signatureApproved', 'documentNumbered'] },
    'intake.events': {
      consumer: 'intake',
      urgentTwin: true,
      // user.changed: intake keeps the signers it checks submissions against.
      accepts: ['signatureReturned', 'personSignatureApplied', 'documentIssued', 'documentFailed', 'deliveryCreated', 'deliveriesCreated', 'deliveryStatusChanged', 'deliveryStatusesChanged', 'deliveryReceiptOverdue', 'userChanged'],
    },
    // A document's deliveries to built-in units come together (deliveries.builtin): one transaction for all, not one each.
    'intake.inbox': { consumer: 'intake', urgentTwin: true, accepts: ['delivery', 'builtinDeliveries'] },
    // One at a time and in order: a 01 and a 03 from the axis apply in the order the axis gave them.
    'intake.axis': { consumer: 'intake', urgentTwin: false, ordered: true, accepts: ['edxmlPackageReceived', 'edxmlStatusReceived'] },
    // Deliveries to outside organs (channel "axis"), which the gateway sends as signed edXML packages.
    'gateway.outbound': { consumer: 'gateway', urgentTwin: true, deliveriesFor: 'axis', accepts: ['delivery'] },
    // In order across gateway instances too: a delivery's 03 is recorded, so posted, after its 01.
    'gateway.statuses': { consumer: 'gateway', urgentTwin: false, ordered: true, accepts: ['edxmlStatusOutgoing'] },
    'routing.events': { consumer: 'routing', urgentTwin: true, accepts: ['documentIssued', 'documentImported'] },
    [ROUTING_STATUS_QUEUE]: { consumer: 'routing', urgentTwin: false, ordered: true, accepts: ['statusReported', 'statusesReported', 'statusReport'] },
    'archival.events': {
      consumer: 'archival',
      urgentTwin: true,
      accepts: [
        'documentSubmitted',
        'signatureApproved',
        'signatureReturned',
        'personSignatureApplied',
        'documentNumbered',
        'documentIssued',
        'documentImported',
        'documentFailed',
        'deliveryCreated',
        'deliveriesCreated',
        'statusReported',
        'statusesReported',
        'deliveryStatusChanged',
        'deliveryStatusesChanged',
        'deliveryReceiptOverdue',
        'registerEntryRecorded',
        'registerEntriesRecorded',
        'messageRejected',
        ...IDENTITY_AUDIT_EVENTS,
      ],
    },
    'metrics.events': { consumer: 'metrics', urgentTwin: true, accepts: ['registerEntryRecorded', 'registerEntriesRecorded', 'documentIssued', 'deliveryCreated', 'deliveriesCreated', 'deliveryStatusChanged', 'deliveryStatusesChanged'] },
    // Every service but identity (which records its revocations in the same transaction) refuses
    // a revoked session's tokens as soon as its own queue has brought the news.
    'intake.revocations': { consumer: 'intake', urgentTwin: false, accepts: ['sessionsRevoked'] },
    'signing.revocations': { consumer: 'signing', urgentTwin: false, accepts: ['sessionsRevoked'] },
    'routing.revocations': { consumer: 'routing', urgentTwin: false, accepts: ['sessionsRevoked'] },
    'archival.revocations': { consumer: 'archival', urgentTwin: false, accepts: ['sessionsRevoked'] },
    'metrics.revocations': { consumer: 'metrics', urgentTwin: false, accepts: ['sessionsRevoked'] },
    'gateway.revocations': { consumer: 'gateway', urgentTwin: false, accepts: ['sessionsRevoked'] },
  } satisfies Record<string, QueueSpec>,
} as const;

export type ServiceQueueName = keyof typeof MESSAGE_CONTRACT.queues;

/** A ward system's queue takes deliveries, from routing only. */
export const WARD_INBOX_ACCEPTS: readonly MessageTypeName[] = ['delivery'];

export function ownersOf(type: MessageTypeName): readonly Publisher[] {
  return MESSAGE_CONTRACT.owners[type];
}

export function queueSpecs(): [string, QueueSpec][] {
  return Object.entries(MESSAGE_CONTRACT.queues) as [string, QueueSpec][];
}

/** The queue of the urgent path next to a queue. */
export function urgentQueue(queue: string): string {
  return `${queue}${URGENT_SUFFIX}`;
}

/** The queues a service consumes: each of its own, urgent twin first where it has one. */
export function consumedQueues(service: EdocService): string[] {
  return queueSpecs()
    .filter(([, spec]) => spec.consumer === service)
    .flatMap(([name, spec]) => (spec.urgentTwin ? [urgentQueue(name), name] : [name]));
}

/** The queues of a service whose messages are handled one at a time, in order. */
export function orderedQueuesOf(service: EdocService): string[] {
  return queueSpecs()
    .filter(([, spec]) => spec.consumer === service && spec.ordered === true)
    .map(([name]) => name);
}

/** The message types a service publishes. */
export function typesPublishedBy(publisher: Publisher): MessageTypeName[] {
  return (Object.keys(MESSAGE_CONTRACT.owners) as MessageTypeName[]).filter((type) => ownersOf(type).includes(publisher));
}
