import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@edoc/config';
import { restore } from '../src/backup/restore';

/** A backup folder is input too: backup.json names the files restore reads, and must not lead it elsewhere. */
describe('edoc restore refuses a backup.json it cannot trust, before touching the database', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'edoc-restore-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const manifest = (overrides: Record<string, unknown>) =>
    writeFileSync(
      join(dir, 'backup.json'),
      JSON.stringify({ format: 'edoc-backup-1', createdAt: '2026-12-04T00:00:00Z', database: { file: 'database.dump', sha256: '0'.repeat(64) }, auditHead: { seq: 0, hash: '' }, files: [], archive: [], ...overrides }),
    );
  const config = { ...loadConfig(), databaseUrl: 'postgres://nobody@127.0.0.1:1/never' };

  it('refuses a file that is not an object key (a path out of the folder)', async () => {
    manifest({ files: [{ key: '../../../etc/passwd', size: 1, sha256: 'a'.repeat(64) }] });
    await expect(restore(config, dir, () => undefined)).rejects.toThrow(/"..\/..\/..\/etc\/passwd" is not a file of a backup/);
  });

  it('refuses an archive object whose name leaves the archive', async () => {
    manifest({ archive: [{ name: 'records/../../secret', size: 1, sha256: 'a'.repeat(64), retainUntil: null }] });
    await expect(restore(config, dir, () => undefined)).rejects.toThrow(/archive object "records\/..\/..\/secret" cannot be restored: .*starts with a dot/);
  });

  it('refuses another database file, a manifest without its lists, and one that is not JSON', async () => {
    manifest({ database: { file: '/etc/shadow', sha256: 'a'.repeat(64) } });
    await expect(restore(config, dir, () => undefined)).rejects.toThrow(/the database file must be database.dump/);
    manifest({ files: undefined });
    await expect(restore(config, dir, () => undefined)).rejects.toThrow(/files, archive, database and auditHead are required/);
    writeFileSync(join(dir, 'backup.json'), '{ not json');
    await expect(restore(config, dir, () => undefined)).rejects.toThrow(/backup.json is not JSON/);
    rmSync(join(dir, 'backup.json'));
    await expect(restore(config, dir, () => undefined)).rejects.toThrow(/holds no backup/);
  });
});
