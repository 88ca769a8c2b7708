import { Writable } from 'node:stream';
import { coalesceWrites } from '../src/coalesced-writes';

/** Stands in for a socket: records each system-call-sized write it is asked for. */
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

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('coalesceWrites', () => {
  it('sends the frames written in one turn together, in order, and a later turn\'s without waiting', async () => {
    const socket = new RecordingSocket();
    expect(coalesceWrites(socket)).toBe(true);

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

  it('wraps a socket once, and leaves alone what cannot be corked', async () => {
    const socket = new RecordingSocket();
    expect(coalesceWrites(socket)).toBe(true);
    expect(coalesceWrites(socket)).toBe(false);
    socket.write('one');
    socket.write('two');
    await nextTurn();
    expect(socket.calls).toEqual([['one', 'two']]);
    expect(coalesceWrites(undefined)).toBe(false);
    expect(coalesceWrites({ write: () => true })).toBe(false);
  });
});
