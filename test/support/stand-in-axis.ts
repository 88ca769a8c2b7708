import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What edoc posted and the axis accepted. */
export interface Posted {
  kind: 'package' | 'status';
  messageId: string;
  remoteId: string;
  body: Buffer;
}

/** Each post as it came, with the answer it got. */
export interface PostAttempt {
  kind: 'package' | 'status';
  messageId: string;
  answer: number | 'no answer';
}

interface Offered {
  id: string;
  kind: 'package' | 'status';
  to: string[];
  body: Buffer;
  done: boolean;
  /** How many "done" calls it ignores before it stops listing the message: the axis sends it again. */
  ignoreDone: number;
}

type Behaviour = { kind: 'status'; status: number; text: string } | { kind: 'delay'; ms: number };

/**
 * A stand-in for the national document axis, on loopback, speaking the gateway's protocol
 * (docs/axis-gateway.md). It accepts posts once per message id (409 for a repeat), and does on
 * demand what a remote axis does on its bad days: fails (5xx), refuses (4xx), answers too late,
 * and offers a message again, under the same id or under another.
 */
export class StandInAxis {
  readonly posted: Posted[] = [];
  readonly attempts: PostAttempt[] = [];
  readonly doneCalls: string[] = [];
  private readonly offered: Offered[] = [];
  private readonly behaviours: Behaviour[] = [];
  /** Late answers still waiting: cut short on close, so nothing keeps the test process alive. */
  private readonly waits = new Set<() => void>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<StandInAxis> {
    const handlers: { handle?: (req: IncomingMessage, res: ServerResponse) => Promise<void> } = {};
    const server = createServer((req, res) => {
      void (handlers.handle as (req: IncomingMessage, res: ServerResponse) => Promise<void>)(req, res).catch((error: Error) => {
        if (!res.headersSent) res.writeHead(500).end(error.message);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const axis = new StandInAxis(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/axis/v1`);
    handlers.handle = (req, res) => axis.handle(req, res);
    return axis;
  }

  /** The next `count` posts get `status` (e.g. 503, or 400 for a refusal). */
  answerNext(count: number, status: number, text = `stand-in axis answers ${status}`): void {
    for (let i = 0; i < count; i++) this.behaviours.push({ kind: 'status', status, text });
  }

  /** The next `count` posts are answered after `ms` (past the gateway's deadline, they time out). */
  delayNext(count: number, ms: number): void {
    for (let i = 0; i < count; i++) this.behaviours.push({ kind: 'delay', ms });
  }

  /** A message for units of the exchange; returns its id. `ignoreDone` makes the axis offer it again after it was taken. */
  offer(kind: 'package' | 'status', to: string[], body: Buffer, options: { id?: string; ignoreDone?: number } = {}): string {
    const id = options.id ?? `axis-${randomUUID()}`;
    this.offered.push({ id, kind, to, body, done: false, ignoreDone: options.ignoreDone ?? 0 });
    return id;
  }

  /** Whether the gateway took the message (called done and the axis stopped offering it). */
  taken(id: string): boolean {
    return this.offered.filter((m) => m.id === id).every((m) => m.done);
  }

  async close(): Promise<void> {
    for (const finish of this.waits) finish();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://axis');
    const path = url.pathname.replace(/^\/axis\/v1/, '');
    if (req.method === 'POST' && (path === '/packages' || path === '/statuses')) return this.accept(path === '/packages' ? 'package' : 'status', req, res);
    if (req.method === 'GET' && path === '/received') {
      const to = new Set((url.searchParams.get('to') ?? '').split(','));
      const messages = this.offered.filter((m) => !m.done && m.to.some((code) => to.has(code))).map((m) => ({ id: m.id, kind: m.kind }));
      return json(res, 200, { messages });
    }
    const fetch = /^\/received\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && fetch !== null) {
      const message = this.offered.find((m) => m.id === decodeURIComponent(fetch[1] as string) && !m.done);
      if (message === undefined) return json(res, 404, { error: 'no such message' });
      res.writeHead(200, { 'content-type': 'application/xml', 'content-length': message.body.length }).end(message.body);
      return;
    }
    const done = /^\/received\/([^/]+)\/done$/.exec(path);
    if (req.method === 'POST' && done !== null) {
      const id = decodeURIComponent(done[1] as string);
      this.doneCalls.push(id);
      for (const message of this.offered.filter((m) => m.id === id && !m.done)) {
        if (message.ignoreDone > 0) message.ignoreDone--;
        else message.done = true;
      }
      res.writeHead(204).end();
      return;
    }
    json(res, 404, { error: `no ${req.method} ${path}` });
  }

  private async accept(kind: 'package' | 'status', req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req);
    const messageId = String(req.headers['x-edoc-message-id'] ?? '');
    const behaviour = this.behaviours.shift();
    if (behaviour?.kind === 'delay') {
      this.attempts.push({ kind, messageId, answer: 'no answer' });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, behaviour.ms);
        const waits = this.waits;
        function finish(): void {
          clearTimeout(timer);
          waits.delete(finish);
          resolve();
        }
        waits.add(finish);
      });
      if (!res.destroyed) res.writeHead(503).end('too late');
      return;
    }
    if (behaviour?.kind === 'status') {
      this.attempts.push({ kind, messageId, answer: behaviour.status });
      res.writeHead(behaviour.status, { 'content-type': 'text/plain' }).end(behaviour.text);
      return;
    }
    const earlier = this.posted.find((p) => p.messageId === messageId && messageId !== '');
    if (earlier !== undefined) {
      this.attempts.push({ kind, messageId, answer: 409 });
      return json(res, 409, { id: earlier.remoteId, error: 'this message id was accepted before' });
    }
    const remoteId = `remote-${randomUUID()}`;
    this.posted.push({ kind, messageId, remoteId, body });
    this.attempts.push({ kind, messageId, answer: 201 });
    json(res, 201, { id: remoteId });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
