import { randomBytes, randomUUID } from 'node:crypto';
import { request, type ClientRequest } from 'node:http';
import { PDFDocument } from 'pdf-lib';
import { readProcessMemory, waitFor } from '@edoc/testing';
import { http, submissionForm } from '../support/http';
import { TestExchange } from '../support/test-exchange';

const good = { type: 'CV', subject: 'Về việc kiểm tra tải lên', recipients: ['000.31.13.H26'], signer: 'hbt.signer' };
const MB = 1024 * 1024;

/** A valid PDF of about `bytes`, made by pdf-lib: one page, and an unreferenced stream of random bytes. */
async function bigPdf(bytes: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]);
  doc.context.register(doc.context.stream(randomBytes(bytes)));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** Peak resident memory of a process so far (Linux VmHWM), in MB. */
function peakRssMb(pid: number): number {
  return (readProcessMemory(pid)?.peakRssBytes ?? Number.NaN) / MB;
}

describe('uploads: streamed to disk, a bounded number at once, in constant memory', () => {
  let exchange: TestExchange;
  const held: ClientRequest[] = [];

  let files: Buffer[] = [];

  beforeAll(async () => {
    // Made before any request: building 240 MB of PDF blocks the event loop for seconds, long enough
    // for intake to close a kept-alive connection that fetch would then reuse for an upload (EPIPE).
    files = await Promise.all(Array.from({ length: 8 }, () => bigPdf(30 * MB)));
    exchange = await TestExchange.start({ env: { EDOC_UPLOAD_CONCURRENCY: '8', EDOC_UPLOAD_CONCURRENCY_PER_USER: '4' } });
  });

  afterAll(async () => {
    for (const upload of held) upload.destroy();
    await exchange?.stop();
  });

  /** An upload that sends its headers and the start of its body, then waits: it holds a slot until destroyed. */
  function holdSlot(clerk: string): ClientRequest {
    const boundary = `edoc${randomBytes(8).toString('hex')}`;
    const upload = request(exchange.url('intake', '/documents'), {
      method: 'POST',
      headers: { authorization: `Bearer ${exchange.token(clerk)}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(10 * MB) },
    });
    upload.on('error', () => undefined);
    upload.write(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="slow.pdf"\r\ncontent-type: application/pdf\r\n\r\n%PDF-1.7\n`);
    held.push(upload);
    return upload;
  }

  /** What intake answers now to a clerk's submission without a file: 400 when a slot was free, 503 when not. */
  async function probe(clerk: string): Promise<{ status: number; message: string; retryAfter: string | null }> {
    const response = await fetch(exchange.url('intake', '/documents'), { method: 'POST', headers: { authorization: `Bearer ${exchange.token(clerk)}` }, body: submissionForm(good, undefined) });
    const body = (await response.json()) as { message: string };
    return { status: response.status, message: body.message, retryAfter: response.headers.get('retry-after') };
  }

  /** Intake's own count of uploads in progress, as Prometheus scrapes it. */
  async function uploadsInProgress(): Promise<number> {
    const text = await (await fetch(exchange.url('intake', '/metrics'), { headers: { authorization: `Bearer ${exchange.token('admin')}` } })).text();
    const sample = /^edoc_uploads_in_progress(?:\{[^}]*\})? (\S+)$/m.exec(text);
    return Number(sample?.[1] ?? Number.NaN);
  }

  /**
   * A submission as a careful client makes it: with an Idempotency-Key, sent again with the same key
   * when the connection breaks before an answer (on a loaded machine a kept-alive socket can close
   * just as a request starts on it: EPIPE), or when intake answers 408 because the body came in
   * slower than it waits for (this test's own process, starved by the CPU hogs beside CI, sends
   * eight bodies at once; RFC 9110 lets a client repeat a request after 408). Intake answers a
   * retry with the first document, if any.
   */
  async function submitRetrying(clerk: string, form: FormData): Promise<{ status: number }> {
    const key = randomUUID();
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await http(exchange.url('intake', '/documents'), { token: exchange.token(clerk), form, headers: { 'idempotency-key': key } });
        if (answer.status !== 408 || attempt === 3) return answer;
        console.log(`upload of ${clerk} was too slow for intake (408); sending it again with the same Idempotency-Key`);
      } catch (error) {
        const code = ((error as Error).cause as { code?: string } | undefined)?.code;
        if (attempt === 3 || (code !== 'EPIPE' && code !== 'ECONNRESET')) throw error;
        console.log(`upload of ${clerk} lost its connection (${code}); sending it again with the same Idempotency-Key`);
      }
    }
  }

  it('answers 503 with Retry-After when a user, then intake, has as many uploads in progress as it takes', async () => {
    for (let i = 0; i < 4; i++) holdSlot('hbt.clerk');
    const mine = await waitFor('hbt.clerk to be out of slots', async () => {
      const answer = await probe('hbt.clerk');
      return answer.status === 503 ? answer : undefined;
    }, { timeoutMs: 20_000, intervalMs: 200 });
    expect(mine.message).toMatch(/hbt\.clerk already has 4 uploads in progress/);
    expect(mine.retryAfter).toBe('5');
    // Another clerk still gets in, until the four others are taken too.
    expect((await probe('vp.clerk')).status).toBe(400);
    for (let i = 0; i < 4; i++) holdSlot('vp.clerk');
    const full = await waitFor('intake to be full', async () => {
      const answer = await probe('nv.clerk');
      return answer.status === 503 ? answer : undefined;
    }, { timeoutMs: 20_000, intervalMs: 200 });
    expect(full.message).toMatch(/intake is taking in 8 uploads, as many as it takes at once/);
    // A client that goes away gives its slot back.
    for (const upload of held.splice(0)) upload.destroy();
    await waitFor('the slots to be free again', async () => (await probe('nv.clerk')).status === 400, { timeoutMs: 20_000, intervalMs: 200 });
    // Every slot, per-user ones included: intake frees each when it sees that client's socket close.
    await waitFor('no upload in progress', async () => (await uploadsInProgress()) === 0, { timeoutMs: 20_000, intervalMs: 200 });
  });

  it('takes eight concurrent 30 MB uploads with intake under 400 MB of memory', async () => {
    const intakePid = exchange.processes.get('intake')!.child.pid!;
    console.log(`intake's peak RSS before: ${peakRssMb(intakePid).toFixed(0)} MB`);
    const clerks = ['hbt.clerk', 'vp.clerk', 'nv.clerk', 'tckh.clerk'];
    const answers = await Promise.all(
      files.map((file, index) => {
        const clerk = clerks[index % clerks.length]!;
        return submitRetrying(clerk, submissionForm({ ...good, signer: clerk.replace('.clerk', '.signer') }, file));
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(202));
    const intake = exchange.processes.get('intake')!.child.pid!;
    const peak = peakRssMb(intake);
    console.log(`intake's peak RSS after 8 concurrent uploads of ${(files[0]!.length / MB).toFixed(1)} MB: ${peak.toFixed(0)} MB`);
    expect(peak).toBeLessThan(400);
  }, 180_000);
});
