import type { SumCalculated } from '@calculator/proto';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createCalculationStore, type DeliveredEvent, type StorePool } from './calculation-store.js';
import type { Statement } from './in-transaction.js';

const event = (n: number): SumCalculated => ({
  eventId: `019a8f3e-1c2b-7d4e-8f00-${String(n).padStart(12, '0')}`,
  userId: 'alice',
  operands: [n, 1],
  sum: n + 1,
  requestId: null,
  createdAt: 1_790_000_000_000,
});

const delivered = (n: number): DeliveredEvent => ({ event: event(n), partition: 0, offset: String(n) });

/**
 * Records every statement and answers the apply statement with `inserted`; `failOn` makes the
 * first statement containing it fail. No Postgres: this pins the protocol, not the SQL's effect.
 */
function fakePool(options: { inserted?: { event_id: string; seq: string }[]; failOn?: string[] } = {}) {
  const statements: string[] = [];
  const releases: (boolean | undefined)[] = [];
  const failOn = [...(options.failOn ?? [])];
  const query = async <R extends pg.QueryResultRow>(
    given: Statement,
    positional?: unknown[],
  ): Promise<{ rows: R[] }> => {
    const text = typeof given === 'string' ? given : given.text;
    const values = typeof given === 'string' ? positional : given.values;
    const statement = text.trim().split(/\s+/).join(' ');
    statements.push(values === undefined || text.includes('jsonb_to_recordset') ? statement : `${statement} ${values}`);
    const failing = failOn.findIndex((part) => statement.includes(part));
    if (failing >= 0) {
      failOn.splice(failing, 1);
      throw new Error(`${statement} failed`);
    }
    const rows = text.includes('INSERT INTO calculations') ? (options.inserted ?? []) : [];
    return { rows: rows as pg.QueryResultRow[] as R[] };
  };
  const pool: StorePool = {
    query,
    connect: async () => ({ query, release: (destroy) => releases.push(destroy) }),
  };
  return { pool, statements, releases };
}

const short = (statement: string) => (statement.includes('INSERT INTO calculations') ? 'APPLY BATCH' : statement);

describe('createCalculationStore().applyBatch', () => {
  it('locks, applies and notifies the highest new seq in one transaction on one connection', async () => {
    const { pool, statements, releases } = fakePool({
      inserted: [
        { event_id: event(1).eventId, seq: '9' },
        { event_id: event(3).eventId, seq: '10' },
      ],
    });
    const applied = await createCalculationStore(pool).applyBatch([delivered(1), delivered(2), delivered(3)]);
    expect(applied).toEqual([event(1), event(3)]);
    expect(statements.map(short)).toEqual([
      'BEGIN',
      'SELECT pg_advisory_xact_lock(1667329123)',
      'APPLY BATCH',
      "SELECT pg_notify('calculations_applied', $1::text) 10",
      'COMMIT',
    ]);
    expect(releases).toEqual([false]);
  });

  it('compares seqs as numbers, not as strings', async () => {
    const { pool, statements } = fakePool({
      inserted: [
        { event_id: event(1).eventId, seq: '99' },
        { event_id: event(2).eventId, seq: '100' },
      ],
    });
    await createCalculationStore(pool).applyBatch([delivered(1), delivered(2)]);
    expect(statements).toContain("SELECT pg_notify('calculations_applied', $1::text) 100");
  });

  it('notifies nobody when every event was a duplicate', async () => {
    const { pool, statements } = fakePool({ inserted: [] });
    expect(await createCalculationStore(pool).applyBatch([delivered(1)])).toEqual([]);
    expect(statements.map(short)).toEqual([
      'BEGIN',
      'SELECT pg_advisory_xact_lock(1667329123)',
      'APPLY BATCH',
      'COMMIT',
    ]);
  });

  it('rolls back and returns the connection when a statement fails', async () => {
    const { pool, statements, releases } = fakePool({ failOn: ['INSERT INTO calculations'] });
    await expect(createCalculationStore(pool).applyBatch([delivered(1)])).rejects.toThrow('failed');
    expect(statements.map(short).slice(-2)).toEqual(['APPLY BATCH', 'ROLLBACK']);
    expect(releases).toEqual([false]);
  });

  it('closes the connection when even the rollback fails', async () => {
    const { pool, releases } = fakePool({ failOn: ['COMMIT', 'ROLLBACK'] });
    await expect(createCalculationStore(pool).applyBatch([delivered(1)])).rejects.toThrow('COMMIT failed');
    expect(releases).toEqual([true]);
  });

  it('touches no connection for an empty batch', async () => {
    const { pool, statements } = fakePool();
    expect(await createCalculationStore(pool).applyBatch([])).toEqual([]);
    expect(statements).toEqual([]);
  });
});
