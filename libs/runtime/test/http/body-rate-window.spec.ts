import { BodyRateWindow } from '../../src/http/body-rate-window';

describe('BodyRateWindow', () => {
  it('says nothing until a whole window of the client turns is recorded', () => {
    const window = new BodyRateWindow(10, 5000);
    for (let turn = 1; turn < 10; turn++) expect(window.record(0)).toBe(false);
    expect(window.record(0)).toBe(true);
  });

  it('cuts one byte every 100 ms (10 B/s) at the end of the first 10 s window', () => {
    const window = new BodyRateWindow(10, 500 * 10);
    const verdicts = Array.from({ length: 10 }, () => window.record(10));
    expect(verdicts.indexOf(true)).toBe(9);
    expect(window.bytes).toBe(100);
  });

  it('keeps a slow but honest upload (2 KB/s) however long it takes', () => {
    const window = new BodyRateWindow(10, 500 * 10);
    for (let turn = 0; turn < 600; turn++) expect(window.record(2048)).toBe(false);
  });

  it('judges the last window only: a fast start does not buy a trickle afterwards', () => {
    const window = new BodyRateWindow(10, 5000);
    expect(window.record(1_000_000)).toBe(false);
    const verdicts = Array.from({ length: 10 }, () => window.record(1));
    // The megabyte leaves the window after 10 more turns; the window is then 10 bytes.
    expect(verdicts.indexOf(true)).toBe(9);
  });

  it('lets a pause pass when the window as a whole is fast enough', () => {
    const window = new BodyRateWindow(10, 5000);
    const turns = [0, 0, 0, 6000, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(turns.map((bytes) => window.record(bytes))).toEqual([false, false, false, false, false, false, false, false, false, false, false, false]);
    expect(window.record(0)).toBe(false);
    expect(window.record(0)).toBe(true);
  });
});
