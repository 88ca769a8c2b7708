import { StatusCode } from '../src';
import { applyStatus, DeliveryState } from '../src/status-machine';

const fresh: DeliveryState = { status: undefined, recallPending: false };

function walk(steps: [StatusCode, 'sender' | 'recipient', string?][]): DeliveryState {
  let state = fresh;
  for (const [status, reporter, reason] of steps) {
    const result = applyStatus(state, status, reporter, reason ?? '');
    if (result.kind !== 'changed') throw new Error(`step ${status} was ${result.kind}: ${JSON.stringify(result)}`);
    state = result.next;
  }
  return state;
}

describe('delivery status transitions', () => {
  it('follows the handling path 01 → 03 → 04 → 05 → 06', () => {
    const state = walk([
      [StatusCode.ARRIVED, 'recipient'],
      [StatusCode.ACCEPTED, 'recipient'],
      [StatusCode.ASSIGNED, 'recipient'],
      [StatusCode.IN_PROGRESS, 'recipient'],
      [StatusCode.COMPLETED, 'recipient'],
    ]);
    expect(state.status).toBe(StatusCode.COMPLETED);
  });

  it('refuses 06 before 03', () => {
    const state = walk([[StatusCode.ARRIVED, 'recipient']]);
    const result = applyStatus(state, StatusCode.COMPLETED, 'recipient', '');
    expect(result).toEqual({ kind: 'refused', reason: 'status 06 cannot follow 01' });
  });

  it('refuses going back from 05 to 03', () => {
    const state = walk([[StatusCode.ARRIVED, 'recipient'], [StatusCode.ACCEPTED, 'recipient'], [StatusCode.IN_PROGRESS, 'recipient']]);
    const result = applyStatus(state, StatusCode.ACCEPTED, 'recipient', '');
    expect(result.kind).toBe('refused');
    expect(result.kind === 'refused' && result.reason).toContain('do not go back');
  });

  it('requires a reason for 02 and accepts it with one', () => {
    const state = walk([[StatusCode.ARRIVED, 'recipient']]);
    expect(applyStatus(state, StatusCode.REFUSED, 'recipient', ' ')).toEqual({ kind: 'refused', reason: 'status 02 requires a reason' });
    expect(applyStatus(state, StatusCode.REFUSED, 'recipient', 'sai thẩm quyền').kind).toBe('changed');
  });

  it('treats a repeated status as no change', () => {
    const state = walk([[StatusCode.ARRIVED, 'recipient']]);
    expect(applyStatus(state, StatusCode.ARRIVED, 'recipient', '')).toEqual({ kind: 'unchanged' });
  });

  it('lets only the sender recall, and only before completion', () => {
    const arrived = walk([[StatusCode.ARRIVED, 'recipient']]);
    expect(applyStatus(arrived, StatusCode.RECALL_REQUESTED, 'recipient', '').kind).toBe('refused');
    expect(applyStatus(arrived, StatusCode.RECALL_REQUESTED, 'sender', '').kind).toBe('changed');
    const done = walk([[StatusCode.ARRIVED, 'recipient'], [StatusCode.ACCEPTED, 'recipient'], [StatusCode.COMPLETED, 'recipient']]);
    expect(applyStatus(done, StatusCode.RECALL_REQUESTED, 'sender', '')).toEqual({ kind: 'refused', reason: 'a delivery at 06 cannot be recalled' });
  });

  it('ends everything after an agreed recall', () => {
    const recalled = walk([[StatusCode.ARRIVED, 'recipient'], [StatusCode.RECALL_REQUESTED, 'sender'], [StatusCode.RECALL_AGREED, 'recipient']]);
    expect(recalled.status).toBe(StatusCode.RECALL_AGREED);
    expect(applyStatus(recalled, StatusCode.ACCEPTED, 'recipient', '').kind).toBe('refused');
    expect(applyStatus(recalled, StatusCode.RECALL_REQUESTED, 'sender', '').kind).toBe('refused');
  });

  it('returns to the earlier status when the recipient refuses the recall', () => {
    const kept = walk([
      [StatusCode.ARRIVED, 'recipient'],
      [StatusCode.ACCEPTED, 'recipient'],
      [StatusCode.RECALL_REQUESTED, 'sender'],
      [StatusCode.RECALL_REFUSED, 'recipient', 'đã xử lý một phần'],
    ]);
    expect(kept).toEqual({ status: StatusCode.ACCEPTED, recallPending: false });
  });

  it('accepts only 14 or 16 while a recall waits', () => {
    const waiting = walk([[StatusCode.ARRIVED, 'recipient'], [StatusCode.RECALL_REQUESTED, 'sender']]);
    expect(applyStatus(waiting, StatusCode.ACCEPTED, 'recipient', '').kind).toBe('refused');
  });

  it('refuses an answer to a recall nobody asked for', () => {
    const arrived = walk([[StatusCode.ARRIVED, 'recipient']]);
    expect(applyStatus(arrived, StatusCode.RECALL_AGREED, 'recipient', '').kind).toBe('refused');
  });
});
