import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Statement, TransactionPool } from './in-transaction.js';
import { migrate } from './migrate.js';

/** Records statements; a statement containing one of `failOn` fails, as on a connection Postgres ended. */
function fakePool(failOn: string[] = []) {
  const statements: string[] = [];
  const releases: (boolean | undefined)[] = [];
  const pool: TransactionPool = {
    connect: async () => ({
      async query<R extends pg.QueryResultRow>(statement: Statement): Promise<{ rows: R[] }> {
        const text = typeof statement === 'string' ? statement : statement.text;
        statements.push(text.split('\n')[0] ?? '');
        if (failOn.some((part) => text.includes(part))) {
          throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
        }
        return { rows: [] };
      },
      release: (destroy) => releases.push(destroy),
    }),
  };
  return { pool, statements, releases };
}

describe('migrate', () => {
  it('applies every migration under the lock, then unlocks and returns the connection', async () => {
    const { pool, statements, releases } = fakePool();
    const applied = await migrate(pool);
    expect(applied.length).toBeGreaterThan(0);
    expect(statements[0]).toBe('SELECT pg_advisory_lock($1)');
    expect(statements.at(-1)).toBe('SELECT pg_advisory_unlock($1)');
    expect(releases).toEqual([false]);
  });

  it('closes the connection rather than pool it when the lock could not be released', async () => {
    const { pool, releases } = fakePool(['INSERT INTO schema_migrations', 'ROLLBACK', 'pg_advisory_unlock']);
    await expect(migrate(pool)).rejects.toThrow('terminating connection due to administrator command');
    expect(releases).toEqual([true]);
  });
});
