import type { Writable } from 'node:stream';

const COALESCED = Symbol('edoc.coalescedWrites');

/**
 * Makes what is written to a socket in one turn of the event loop leave in one system call: the
 * socket is corked at the first write of a turn and uncorked on the next tick, so the writes go
 * together in one writev(2). Nothing waits beyond the current turn; the bytes and their order are
 * unchanged. A client that writes each protocol message on its own (amqplib's frames, pg's BEGIN
 * ahead of a pipelined statement) otherwise pays a system call, and wakes its peer, for each: on a
 * small machine those writes were the largest item in the profile of the services that do little
 * else. Returns false when the stream cannot be corked or was wrapped already.
 */
export function coalesceWrites(stream: unknown): boolean {
  if (!isCorkable(stream) || (stream as unknown as Record<symbol, boolean>)[COALESCED]) return false;
  const write = stream.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    stream.uncork();
  };
  stream.write = function coalescedWrite(this: Writable, ...args: Parameters<Writable['write']>) {
    if (!corked) {
      corked = true;
      stream.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as Writable['write'];
  (stream as unknown as Record<symbol, boolean>)[COALESCED] = true;
  return true;
}

function isCorkable(stream: unknown): stream is Writable {
  const candidate = stream as Partial<Writable> | undefined;
  return typeof candidate?.write === 'function' && typeof candidate.cork === 'function' && typeof candidate.uncork === 'function';
}
