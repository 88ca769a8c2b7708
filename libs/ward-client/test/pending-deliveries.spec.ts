import { PendingDeliveries } from '@edoc/ward-client';

describe('PendingDeliveries', () => {
  it('hands out urgent items first, each kind in arrival order', () => {
    const pending = new PendingDeliveries<string>();
    pending.push('normal-1', false);
    pending.push('normal-2', false);
    pending.push('urgent-1', true);
    pending.push('urgent-2', true);
    const order = [1, 2, 3, 4].map(() => pending.take(0));
    expect(order).toEqual(['urgent-1', 'urgent-2', 'normal-1', 'normal-2']);
    expect(pending.take(0)).toBeUndefined();
  });

  it('holds back an item until its retry time, and says when that is', () => {
    const pending = new PendingDeliveries<string>();
    pending.push('urgent-retry', true, 1_000);
    pending.push('normal', false);
    expect(pending.take(500)).toBe('normal');
    expect(pending.take(500)).toBeUndefined();
    expect(pending.nextReadyAt()).toBe(1_000);
    expect(pending.take(1_000)).toBe('urgent-retry');
    expect(pending.nextReadyAt()).toBeUndefined();
  });

  it('forgets the items of a closed channel', () => {
    const pending = new PendingDeliveries<{ channel: number; id: string }>();
    pending.push({ channel: 1, id: 'a' }, false);
    pending.push({ channel: 2, id: 'b' }, true);
    pending.push({ channel: 1, id: 'c' }, true);
    expect(pending.removeWhere((item) => item.channel === 1).map((item) => item.id)).toEqual(['a', 'c']);
    expect(pending.size).toBe(1);
    expect(pending.take(0)?.id).toBe('b');
  });
});
