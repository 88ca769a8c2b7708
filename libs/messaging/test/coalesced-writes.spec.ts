import { Writable } from 'node:stream';
import type { ChannelModel } from 'amqplib';
import { coalesceSocketWrites } from '../src/connection/coalesced-writes';

/** Stands in for amqplib's socket: records each system-call-sized write it is asked for. */
class RecordingSocket extends Writable {
  readonly calls: string[][] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.calls.push([chunk.toString()]);
    done();
  }

  override _writev(chunks: { chunk: Buffer }[], done: () => void): void {
    this.calls.push(chunks.map(({ chunk }) => chunk.toString()));
    done();
  }
}

const modelOn = (stream: unknown) => ({ connection: { stream } }) as unknown as ChannelModel;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('coalesceSocketWrites', () => {
  it('sends the frames written in one turn together, in order, and a later turn\'s without waiting', async () => {
    const socket = new RecordingSocket();
    expect(coalesceSocketWrites(modelOn(socket))).toBe(true);

    socket.write('ack 1');
    socket.write('ack 2');
    socket.write('publish 3');
    await nextTurn();
    socket.write('ack 4');
    await nextTurn();

    expect(socket.calls).toEqual([['ack 1', 'ack 2', 'publish 3'], ['ack 4']]);
  });

  it('without it, the same frames cost one write each', async () => {
    const socket = new RecordingSocket();
    socket.write('ack 1');
    socket.write('ack 2');
    await nextTurn();
    expect(socket.calls).toEqual([['ack 1'], ['ack 2']]);
  });

  it('wraps a socket once, and leaves alone a connection whose stream is not a socket', async () => {
    const socket = new RecordingSocket();
    expect(coalesceSocketWrites(modelOn(socket))).toBe(true);
    expect(coalesceSocketWrites(modelOn(socket))).toBe(false);
    socket.write('one');
    socket.write('two');
    await nextTurn();
    expect(socket.calls).toEqual([['one', 'two']]);
    expect(coalesceSocketWrites(modelOn(undefined))).toBe(false);
    expect(coalesceSocketWrites(modelOn({ write: () => true }))).toBe(false);
  });
});
