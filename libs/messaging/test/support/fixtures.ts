import { randomUUID } from 'node:crypto';
import * as amqplib from 'amqplib';
import { create, DocumentFailedSchema, type DocumentFailed } from '@edoc/contracts';
import type { EdocMessage } from '@edoc/messaging';
import { waitFor } from '@edoc/testing';

/** A small real event for tests: DocumentFailed, whose `reason` tells the test handler what to do. */
export function failedEvent(documentId: string, reason = 'ok'): DocumentFailed {
  return create(DocumentFailedSchema, { documentId, issuerCode: '000.00.00.H41', stage: 'numbering', reason });
}

export function failedMessage(exchange: string, routingKey: string, documentId: string, reason = 'ok', messageId = randomUUID()): EdocMessage {
  return { exchange, routingKey, schema: DocumentFailedSchema, message: failedEvent(documentId, reason), messageId };
}

/** Takes every message of a queue (acknowledging them) until `count` have arrived. */
export async function takeMessages(channel: amqplib.Channel, queue: string, count: number, timeoutMs = 10_000): Promise<amqplib.GetMessage[]> {
  const taken: amqplib.GetMessage[] = [];
  await waitFor(
    `${count} message(s) in ${queue}`,
    async () => {
      for (;;) {
        const message = await channel.get(queue, { noAck: true });
        if (message === false) break;
        taken.push(message);
      }
      return taken.length >= count ? true : undefined;
    },
    { timeoutMs, intervalMs: 50 },
  );
  return taken;
}

/** Asserts a queue stays empty for a while (nothing arrives late). */
export async function expectNoMessage(channel: amqplib.Channel, queue: string, forMs = 500): Promise<void> {
  const until = Date.now() + forMs;
  while (Date.now() < until) {
    const message = await channel.get(queue, { noAck: true });
    if (message !== false) throw new Error(`unexpected message ${String(message.properties.messageId)} in ${queue}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function header(message: amqplib.Message, name: string): unknown {
  return (message.properties.headers as Record<string, unknown> | undefined)?.[name];
}

export const silentLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** Collects log lines so a test can assert on what an operator would read. */
export function recordingLogger(): { lines: string[]; log: (m: string) => void; warn: (m: string) => void; error: (m: string) => void } {
  const lines: string[] = [];
  return { lines, log: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
}
