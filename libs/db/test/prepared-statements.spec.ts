import { PreparedStatements } from '../src/prepared-statements';

describe('PreparedStatements', () => {
  it('names a parameterised statement by its text, the same name each time and in each instance', () => {
    const sql = 'SELECT 1 WHERE $1::int > 0';
    const first = new PreparedStatements().config(sql, [1]);
    expect(first).toEqual({ name: expect.stringMatching(/^edoc_[\w-]{24}$/), text: sql, values: [1] });
    expect(new PreparedStatements().config(sql, [2]).name).toBe(first.name);
    expect(new PreparedStatements().config('SELECT 2 WHERE $1::int > 0', [1]).name).not.toBe(first.name);
  });

  it('leaves a statement without parameters to the simple protocol', () => {
    expect(new PreparedStatements().config('COMMIT', undefined)).toEqual({ text: 'COMMIT' });
  });

  it('stops naming new texts past its bound, and keeps the names it gave', () => {
    const statements = new PreparedStatements(2);
    const a = statements.config('SELECT $1::int', [1]).name;
    statements.config('SELECT $1::text', ['x']);
    expect(statements.config('SELECT $1::bigint', [1])).toEqual({ text: 'SELECT $1::bigint', values: [1] });
    expect(statements.config('SELECT $1::int', [1]).name).toBe(a);
  });
});
