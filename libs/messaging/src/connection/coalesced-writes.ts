import type { ChannelModel } from 'amqplib';
import type { Writable } from 'node:stream';

const COALESCED = Symbol('edoc.coalescedWrites');

/**
 * Makes what amqplib writes to its socket in one turn of the event loop leave in one system call.
 *
 * amqplib writes each frame on its own: the acks of messages that finished together, or the
 * publishes of an outbox batch, cost one write(2) each, and on a small machine those writes were
 * the largest item in the profile of a service that only records facts. Corking the socket at the
 * first write of a turn and uncorking it on the next tick sends them together in one writev(2);
 * nothing waits longer than the current turn, and the bytes and their order are unchanged.
 */
export function coalesceSocketWrites(model: ChannelModel): boolean {
  const socket = socketOf(model);
  if (socket === undefined || (socket as unknown as Record<symbol, boolean>)[COALESCED]) return false;
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function coalescedWrite(this: Writable, ...args: Parameters<Writable['write']>) {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as Writable['write'];
  (socket as unknown as Record<symbol, boolean>)[COALESCED] = true;
  return true;
}

/** amqplib's socket: not in its published types, so checked before use. */
function socketOf(model: ChannelModel): Writable | undefined {
  const stream = (model.connection as unknown as { stream?: unknown }).stream;
  const candidate = stream as Partial<Writable> | undefined;
  return typeof candidate?.write === 'function' && typeof candidate.cork === 'function' && typeof candidate.uncork === 'function' ? (stream as Writable) : undefined;
}
