import { Writable } from 'node:stream';
import type { ChannelModel } from 'amqplib';
import { coalesceSocketWrites } from '../src/connection/coalesced-writes';

describe('coalesceSocketWrites', () => {
  it("coalesces the writes of amqplib's socket, which its connection keeps as `stream`", async () => {
    const calls: string[][] = [];
    const socket = new Writable({
      write: (chunk: Buffer, _encoding, done) => (calls.push([chunk.toString()]), done()),
      writev: (chunks, done) => (calls.push(chunks.map(({ chunk }) => String(chunk))), done()),
    });
    expect(coalesceSocketWrites({ connection: { stream: socket } } as unknown as ChannelModel)).toBe(true);
    socket.write('ack 1');
    socket.write('ack 2');
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([['ack 1', 'ack 2']]);
    expect(coalesceSocketWrites({ connection: {} } as unknown as ChannelModel)).toBe(false);
  });
});
