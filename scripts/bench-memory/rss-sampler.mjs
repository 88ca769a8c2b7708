// Peak resident memory of a set of processes over one phase of the benchmark. The kernel's own
// high-water mark (VmHWM) is reset at the start of the phase where Linux allows it; VmRSS is also
// polled, so a peak is still seen (if a briefer one missed) where the reset is refused.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { readProcessMemory, resetPeakRss } = require('@edoc/testing');

export class RssSampler {
  constructor(pids, intervalMs = 50) {
    this.pids = pids;
    this.intervalMs = intervalMs;
  }

  /** Starts a phase; returns each process's RSS at that moment, in bytes. */
  start() {
    this.before = new Map();
    this.polled = new Map();
    this.hwmReset = new Map();
    for (const [name, pid] of this.pids) {
      this.hwmReset.set(name, resetPeakRss(pid));
      const now = readProcessMemory(pid)?.rssBytes ?? 0;
      this.before.set(name, now);
      this.polled.set(name, now);
    }
    this.timer = setInterval(() => this.poll(), this.intervalMs);
    return new Map(this.before);
  }

  /** Ends the phase: per process, the RSS at its start and the peak during it, in bytes. */
  stop() {
    clearInterval(this.timer);
    this.poll();
    const result = new Map();
    for (const [name, pid] of this.pids) {
      const memory = readProcessMemory(pid);
      const hwm = this.hwmReset.get(name) && memory !== undefined ? memory.peakRssBytes : 0;
      result.set(name, { before: this.before.get(name), peak: Math.max(hwm, this.polled.get(name)), kernelPeak: this.hwmReset.get(name) });
    }
    return result;
  }

  poll() {
    for (const [name, pid] of this.pids) {
      const rss = readProcessMemory(pid)?.rssBytes ?? 0;
      if (rss > this.polled.get(name)) this.polled.set(name, rss);
    }
  }
}
