import { AxisClient, AxisTooLargeError, AxisUnavailableError } from '../src/axis/axis-client';
import type { AxisConfig } from '../src/axis/axis-config';
import { freePort } from '../../../test/support/free-port';
import { StandInAxis } from '../../../test/support/stand-in-axis';

function clientOf(url: string | undefined, timeoutMs = 1000): AxisClient {
  return new AxisClient({ url, token: 'secret-token', timeoutMs } as AxisConfig);
}

describe('the axis client, against a stand-in axis on loopback', () => {
  let axis: StandInAxis;
  beforeEach(async () => {
    axis = await StandInAxis.start();
  });
  afterEach(() => axis.close());

  it('posts a message once: accepted, then known (409) is accepted too, with the axis\'s id', async () => {
    const client = clientOf(axis.url);
    const first = await client.post('package', 'm-1', Buffer.from('<edXML/>'));
    expect(first).toEqual({ kind: 'accepted', remoteId: axis.posted[0]!.remoteId });
    expect(await client.post('package', 'm-1', Buffer.from('<edXML/>'))).toEqual(first);
    expect(axis.posted).toHaveLength(1);
  });

  it('tells a passing failure from a refusal', async () => {
    const client = clientOf(axis.url);
    for (const status of [500, 502, 503, 408, 429]) {
      axis.answerNext(1, status);
      expect(await client.post('status', `m-${status}`, Buffer.from('x'))).toEqual({ kind: 'retry', reason: `HTTP ${status}: stand-in axis answers ${status}` });
    }
    for (const status of [400, 403, 413, 422]) {
      axis.answerNext(1, status);
      expect(await client.post('status', `r-${status}`, Buffer.from('x'))).toEqual({ kind: 'refused', reason: `HTTP ${status}: stand-in axis answers ${status}` });
    }
  });

  it('gives up on an answer that does not come in time, and on an axis that is not there', async () => {
    axis.delayNext(1, 3000);
    const late = await clientOf(axis.url, 300).post('package', 'late', Buffer.from('x'));
    expect(late).toEqual({ kind: 'retry', reason: 'POST /packages: no answer in 300 ms' });
    const gone = await clientOf(`http://127.0.0.1:${await freePort()}/axis`).post('package', 'gone', Buffer.from('x'));
    expect(gone).toEqual({ kind: 'retry', reason: 'POST /packages: ECONNREFUSED' });
    await expect(clientOf(undefined).received(['000.31.13.H26'])).rejects.toThrow(new AxisUnavailableError('no axis is configured (EDOC_AXIS_URL)'));
  });

  it('lists, fetches and marks done what the axis holds for the given units only', async () => {
    const client = clientOf(axis.url);
    const mine = axis.offer('package', ['000.31.13.H26'], Buffer.from('<edXML>a</edXML>'));
    axis.offer('status', ['000.99.99.H99'], Buffer.from('<edXML:Status/>'));
    expect(await client.received(['000.31.13.H26', '000.00.13.H26'])).toEqual([{ id: mine, kind: 'package' }]);
    expect((await client.fetch(mine, 1024)).toString()).toBe('<edXML>a</edXML>');
    await client.done(mine);
    expect(await client.received(['000.31.13.H26'])).toEqual([]);
  });

  it('reads no more than a message of its kind may hold', async () => {
    const client = clientOf(axis.url);
    const id = axis.offer('package', ['000.31.13.H26'], Buffer.alloc(64 * 1024, 0x41));
    await expect(client.fetch(id, 1024)).rejects.toThrow(AxisTooLargeError);
    await expect(client.fetch('no-such-id', 1024)).rejects.toThrow(/HTTP 404/);
  });
});
