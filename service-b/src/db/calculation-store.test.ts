import type { SumCalculated } from '@calculator/proto';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  createCalculationStore,
  type DeliveredEvent,
  SEQ_PER_TRANSACTION,
  type StorePool,
} from './calculation-store.js';
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
 * Records every statement and answers the apply statement with `inserted`; `fail` makes it throw.
 * No Postgres: this pins the protocol, not the SQL's effect.
 */
function fakePool(options: { inserted?: { event_id: string; seq: string }[]; fail?: boolean } = {}) {
  const statements: { text: string; name?: string }[] = [];
  const query = async <R extends pg.QueryResultRow>(given: Statement): Promise<{ rows: R[] }> => {
    const text = typeof given === 'string' ? given : given.text;
    statements.push({ text, ...(typeof given === 'string' ? {} : { name: given.name }) });
    if (options.fail) throw new Error('apply failed');
    const rows = text.includes('INSERT INTO calculations') ? (options.inserted ?? []) : [];
    return { rows: rows as pg.QueryResultRow[] as R[] };
  };
  const pool: StorePool = { query };
  return { pool, statements };
}

describe('createCalculationStore().applyBatch', () => {
  it('numbers, applies and notifies in one named statement, taking no lock: one round trip, one transaction', async () => {
    const { pool, statements } = fakePool({
      inserted: [
        { event_id: event(1).eventId, seq: '9' },
        { event_id: event(3).eventId, seq: '10' },
      ],
    });
    const applied = await createCalculationStore(pool).applyBatch([delivered(1), delivered(2), delivered(3)]);
    expect(applied).toEqual([event(1), event(3)]);
    expect(statements).toHaveLength(1);
    const [apply] = statements;
    expect(apply?.name).toBe('apply-batch');
    // Instances apply side by side: no lock; seq comes from the transaction's id and the row's place.
    expect(apply?.text).not.toMatch(/lock/i);
    expect(apply?.text).toContain(`pg_current_xact_id()::text::bigint * ${SEQ_PER_TRANSACTION}`);
    expect(apply?.text).toContain('numbered.first_seq + e.place AS seq');
    expect(apply?.text).toContain(
      "pg_notify('calculations_applied', max(seq)::text) FROM inserted HAVING count(*) > 0",
    );
  });

  it('gives each event of the batch its place, which numbers it within the transaction', async () => {
    const values: unknown[][] = [];
    const pool: StorePool = {
      query: async <R extends pg.QueryResultRow>(statement: Statement) => {
        values.push(typeof statement === 'string' ? [] : (statement.values ?? []));
        return { rows: [] as R[] };
      },
    };
    await createCalculationStore(pool).applyBatch([delivered(5), delivered(6), delivered(7)]);
    const rows = JSON.parse(String(values[0]?.[0])) as { place: number; event_id: string }[];
    expect(rows.map((row) => [row.place, row.event_id])).toEqual([
      [0, event(5).eventId],
      [1, event(6).eventId],
      [2, event(7).eventId],
    ]);
  });

  it('returns no event when every event was a duplicate', async () => {
    const { pool } = fakePool({ inserted: [] });
    expect(await createCalculationStore(pool).applyBatch([delivered(1)])).toEqual([]);
  });

  it('passes the failure of the statement on', async () => {
    const { pool } = fakePool({ fail: true });
    await expect(createCalculationStore(pool).applyBatch([delivered(1)])).rejects.toThrow('apply failed');
  });

  it('touches no connection for an empty batch', async () => {
    const { pool, statements } = fakePool();
    expect(await createCalculationStore(pool).applyBatch([])).toEqual([]);
    expect(statements).toEqual([]);
  });
});

describe('createCalculationStore() reads', () => {
  it('reads only below the visibility horizon, in every query that hands out a seq', async () => {
    const { pool, statements } = fakePool();
    const store = createCalculationStore(pool);
    await store.findCalculation(event(1).eventId);
    await store.listUserCalculations('alice', { limit: 10 });
    await store.listCalculationsAfter('0', { limit: 10 });
    await store.listCalculationsAfter('0', { userId: 'alice', limit: 10 });
    await store.latestSeq();
    const horizon = `seq < pg_snapshot_xmin(pg_current_snapshot())::text::bigint * ${SEQ_PER_TRANSACTION}`;
    expect(statements).toHaveLength(5);
    for (const { text } of statements) expect(text).toContain(horizon);
  });
});
