import { assertPostgresUrl, databaseName, withDatabase } from '@edoc/db';
import { Database } from '@edoc/db';

describe('database URLs', () => {
  it('swaps the database and keeps server and credentials', () => {
    expect(withDatabase('postgres://u:p@h:5433/edoc?sslmode=disable', 'other')).toBe('postgres://u:p@h:5433/other?sslmode=disable');
    expect(databaseName('postgres://u@h/edoc')).toBe('edoc');
    expect(databaseName('postgres://someone@h')).toBe('someone');
  });

  it('rejects a malformed URL without showing its password', () => {
    let message = '';
    try {
      assertPostgresUrl('mysql://admin:hunter22@h/db');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/scheme must be postgres/);
    expect(message).not.toContain('hunter22');
    expect(() => assertPostgresUrl('not a url')).toThrow(/invalid database URL/);
  });

  it('Database refuses a bad URL or pool size up front', () => {
    expect(() => new Database({ url: 'http://x' })).toThrow(/scheme must be postgres/);
    expect(() => new Database({ url: 'postgres://x/db', max: 0 })).toThrow(/pool size must be a positive integer/);
  });
});
