import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { JsonLinesDeliveryJournal, type JournalEntry } from '@edoc/ward-client';

function entry(overrides: Partial<JournalEntry> = {}): JournalEntry {
  const deliveryId = overrides.deliveryId ?? randomUUID();
  return { key: deliveryId, deliveryId, documentId: randomUUID(), state: 'stored', messageIds: [randomUUID()], arrivedReportId: randomUUID(), updatedAt: new Date().toISOString(), ...overrides };
}

describe('JsonLinesDeliveryJournal', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ward-journal-'));
    path = join(dir, 'state', 'journal.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('remembers entries across a restart, the last state of a delivery winning', async () => {
    const first = await JsonLinesDeliveryJournal.open(path);
    const stored = entry();
    await first.put(stored);
    await first.put({ ...stored, state: 'reported' });
    await first.close();

    const reopened = await JsonLinesDeliveryJournal.open(path);
    expect(reopened.get(stored.key)).toMatchObject({ state: 'reported', arrivedReportId: stored.arrivedReportId });
    expect(reopened.byMessageId(stored.messageIds[0])?.key).toBe(stored.key);
    expect(reopened.get('unknown')).toBeUndefined();
    await reopened.close();
  });

  it('drops a last line cut short by a crash and keeps appending cleanly after it', async () => {
    const journal = await JsonLinesDeliveryJournal.open(path);
    const kept = entry();
    await journal.put(kept);
    await journal.close();
    appendFileSync(path, '{"key":"torn","deliv');

    const reopened = await JsonLinesDeliveryJournal.open(path);
    expect(reopened.size).toBe(1);
    const later = entry();
    await reopened.put(later);
    await reopened.close();

    const again = await JsonLinesDeliveryJournal.open(path);
    expect([again.get(kept.key)?.key, again.get(later.key)?.key]).toEqual([kept.key, later.key]);
    await again.close();
  });

  it('refuses a journal damaged in the middle, naming the line', async () => {
    const good = JSON.stringify(entry());
    writeFileSync(join(dir, 'damaged.jsonl'), `${good}\nnot json\n${good}\n`);
    await expect(JsonLinesDeliveryJournal.open(join(dir, 'damaged.jsonl'))).rejects.toThrow(/damaged\.jsonl is damaged at line 2 \(not JSON\)/);
    writeFileSync(join(dir, 'odd.jsonl'), `{"key":1}\n`);
    await expect(JsonLinesDeliveryJournal.open(join(dir, 'odd.jsonl'))).rejects.toThrow('is damaged at line 1 (not a journal entry)');
  });

  it('lets only one process use a journal at a time, and takes over a stale lock', async () => {
    const journal = await JsonLinesDeliveryJournal.open(path);
    await expect(JsonLinesDeliveryJournal.open(path)).rejects.toThrow(`is in use by process ${process.pid}`);
    await journal.close();

    writeFileSync(`${path}.lock`, '2147483646'); // no such process
    const next = await JsonLinesDeliveryJournal.open(path);
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(process.pid));
    await next.close();
  });

  it('compacts history at open and forgets entries past the retention', async () => {
    const journal = await JsonLinesDeliveryJournal.open(path);
    const recent = entry();
    for (let i = 0; i < 150; i++) await journal.put({ ...recent, updatedAt: new Date().toISOString() });
    await journal.put(entry({ updatedAt: new Date(Date.now() - 500 * 24 * 3600 * 1000).toISOString() }));
    await journal.close();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(151);

    const compacted = await JsonLinesDeliveryJournal.open(path, { retentionDays: 400 });
    expect(compacted.size).toBe(1);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(compacted.get(recent.key)).toBeDefined();
    await compacted.close();
  });

  it('refuses to write after close', async () => {
    const journal = await JsonLinesDeliveryJournal.open(path);
    await journal.close();
    await expect(journal.put(entry())).rejects.toThrow('is closed');
  });
});
