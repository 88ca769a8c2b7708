import { TestExchange } from '../support/test-exchange';
import { submissionForm } from '../support/http';
import { sleep } from './chaos-monkey';

export interface PlannedDocument {
  index: number;
  clerk: string;
  signer: string;
  senderCode: string;
  recipients: string[];
  idempotencyKey: string;
  pdf: Buffer;
}

/**
 * Submits one document the way a careful client does: it keeps the same Idempotency-Key and tries
 * again when the answer is lost (connection refused or reset while intake restarts, 502/503/500),
 * so the document exists exactly once however often intake dies under it. `failFast` runs before
 * each attempt: retrying against a process that died unasked would only hide why.
 */
export async function submitUntilAccepted(exchange: TestExchange, doc: PlannedDocument, failFast: () => void = () => exchange.assertAlive()): Promise<{ documentId: string; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    failFast();
    try {
      const response = await fetch(exchange.url('intake', '/documents'), {
        method: 'POST',
        headers: { authorization: `Bearer ${exchange.token(doc.clerk)}`, 'idempotency-key': doc.idempotencyKey },
        body: submissionForm({ type: 'CV', subject: `Văn bản thử tải số ${doc.index}`, recipients: doc.recipients, signer: doc.signer }, doc.pdf),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (response.status === 202) return { documentId: (JSON.parse(text) as { documentId: string }).documentId, attempts: attempt };
      if (response.status < 500) throw new Error(`document ${doc.index} refused: ${response.status} ${text}`);
    } catch (error) {
      if ((error as Error).message.includes('refused:')) throw error;
    }
    if (attempt > 200) throw new Error(`document ${doc.index} not accepted after ${attempt} attempts`);
    await sleep(Math.min(2000, 100 * attempt));
  }
}

/** Runs `work` over the items with at most `parallel` at a time, reporting progress. */
export async function inParallel<T>(items: T[], parallel: number, work: (item: T) => Promise<void>, onDone: (done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) {
        const item = items[next++];
        await work(item);
        onDone(++done);
      }
    }),
  );
}
