import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadRequestException, type CallHandler, type ExecutionContext } from '@nestjs/common';
import { firstValueFrom, throwError } from 'rxjs';
import { UploadInterruptedInterceptor } from '../src/uploads/upload-interrupted.interceptor';

function contextOf(request: Partial<IncomingMessage>): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }) } as unknown as ExecutionContext;
}

/** What the interceptor turns `error` into when the handler throws it for `request`. */
async function answerFor(request: Partial<IncomingMessage>, error: unknown): Promise<unknown> {
  const failing: CallHandler = { handle: () => throwError(() => error) };
  return firstValueFrom(new UploadInterruptedInterceptor().intercept(contextOf(request), failing)).then(
    () => 'no error',
    (thrown: unknown) => thrown,
  );
}

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('UploadInterruptedInterceptor', () => {
  it('answers 400 when the client went away in the middle of its body', async () => {
    const cutShort = { complete: false, destroyed: true } as Partial<IncomingMessage>;
    for (const error of [new Error('Request aborted'), withCode('aborted', 'ECONNRESET'), withCode('Premature close', 'ERR_STREAM_PREMATURE_CLOSE')]) {
      const answer = await answerFor(cutShort, error);
      expect(answer).toBeInstanceOf(BadRequestException);
      expect((answer as BadRequestException).message).toBe('the upload was interrupted before it ended');
    }
  });

  it("passes on a database's failure that merely sounds like one, once the body had arrived", async () => {
    // Both came from PostgreSQL restarting under the chaos suite: a 400 made the client give up.
    const whole = { complete: true, destroyed: false } as Partial<IncomingMessage>;
    const transactionAborted = withCode('current transaction is aborted, commands ignored until end of transaction block', '25P02');
    const connectionReset = withCode('read ECONNRESET', 'ECONNRESET');
    expect(await answerFor(whole, transactionAborted)).toBe(transactionAborted);
    expect(await answerFor(whole, connectionReset)).toBe(connectionReset);
  });

  it('passes on such an error while the client is still sending', async () => {
    const stillSending = { complete: false, destroyed: false, readableAborted: false, socket: { destroyed: false } } as unknown as Partial<IncomingMessage>;
    const error = withCode('read ECONNRESET', 'ECONNRESET');
    expect(await answerFor(stillSending, error)).toBe(error);
  });

  describe('with a real connection', () => {
    let server: Server;
    let seen: Promise<unknown>;

    beforeAll(async () => {
      let resolveSeen: (answer: unknown) => void;
      seen = new Promise((resolve) => (resolveSeen = resolve));
      server = createServer((request) => {
        // The request's body read the way multer's storage reads it; its failure handed to the interceptor.
        pipeline(request, new Writable({ write: (_chunk, _encoding, done) => done() })).then(
          () => resolveSeen('the body ended'),
          (error: unknown) => resolveSeen(answerFor(request, error)),
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });

    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('answers 400 for a client that hangs up half way through its upload', async () => {
      const { port } = server.address() as AddressInfo;
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('POST /documents HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n' + 'x'.repeat(1000), () => setTimeout(() => socket.destroy(), 50));
      });
      socket.on('error', () => undefined);
      expect(await seen).toBeInstanceOf(BadRequestException);
    });
  });
});
