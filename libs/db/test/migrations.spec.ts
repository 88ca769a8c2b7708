import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertSchemaName, loadMigrations, renderMigration } from '@edoc/db';

describe('renderMigration', () => {
  it('replaces :schema with the schema name but leaves ::casts and longer words alone', () => {
    const sql = "CREATE TABLE :schema.t (a text DEFAULT 'x'::text, b int); SELECT :schemas, :schema;";
    expect(renderMigration(sql, 'routing')).toBe("CREATE TABLE routing.t (a text DEFAULT 'x'::text, b int); SELECT :schemas, routing;");
  });

  it('refuses a schema name that would need quoting or could inject SQL', () => {
    expect(() => renderMigration('x', 'Routing')).toThrow(/invalid schema name "Routing"/);
    expect(() => assertSchemaName('a; DROP TABLE x')).toThrow(/invalid schema name/);
    expect(() => assertSchemaName('1abc')).toThrow(/invalid schema name/);
    expect(() => assertSchemaName('intake_2')).not.toThrow();
  });
});

describe('loadMigrations', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'edoc-migrations-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('merges the folders and sorts the .sql files by name, ignoring other files', async () => {
    await mkdir(join(root, 'a'));
    await mkdir(join(root, 'b'));
    await writeFile(join(root, 'a', '002_two.sql'), 'two');
    await writeFile(join(root, 'b', '000_zero.sql'), 'zero');
    await writeFile(join(root, 'a', '001_one.sql'), 'one');
    await writeFile(join(root, 'a', 'README.md'), 'not sql');
    const files = await loadMigrations([join(root, 'a'), join(root, 'b')]);
    expect(files.map((file) => file.name)).toEqual(['000_zero.sql', '001_one.sql', '002_two.sql']);
    expect(files[1]?.sql).toBe('one');
    expect(files[1]?.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses the same file name in two folders', async () => {
    await mkdir(join(root, 'a'));
    await mkdir(join(root, 'b'));
    await writeFile(join(root, 'a', '001_x.sql'), 'a');
    await writeFile(join(root, 'b', '001_x.sql'), 'b');
    await expect(loadMigrations([join(root, 'a'), join(root, 'b')])).rejects.toThrow(/migration 001_x.sql exists twice/);
  });

  it('names a missing folder', async () => {
    await expect(loadMigrations([join(root, 'nope')])).rejects.toThrow(/migrations folder .*nope does not exist/);
  });
});
