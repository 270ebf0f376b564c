import { describe, expect, it } from 'vitest';
import type { Queryable } from './pool.js';
import { judgeSlot, readReplicationSlot } from './replication-slot.js';

const GiB = 1_073_741_824;

describe('judgeSlot', () => {
  it('keeps writes paused until the slot is back under three quarters of the budget', () => {
    const reading = (mib: number) => ({ retainedBytes: mib * 1_048_576, walStatus: 'reserved' });
    const budget = 32 * 1_048_576;
    expect(judgeSlot('outbox_slot', reading(30), budget, true)?.problem).toBe('over-budget');
    expect(judgeSlot('outbox_slot', reading(30), budget, false)).toBeNull();
    expect(judgeSlot('outbox_slot', reading(23), budget, true)).toBeNull();
  });

  it('accepts writes while the slot retains less WAL than the budget', () => {
    expect(judgeSlot('outbox_slot', { retainedBytes: 64 * 1_048_576, walStatus: 'reserved' }, 2 * GiB)).toBeNull();
    expect(judgeSlot('outbox_slot', { retainedBytes: 2 * GiB, walStatus: 'extended' }, 2 * GiB)).toBeNull();
  });

  it('refuses writes over the budget, saying how much is retained', () => {
    const verdict = judgeSlot('outbox_slot', { retainedBytes: 2.5 * GiB, walStatus: 'extended' }, 2 * GiB);
    expect(verdict?.problem).toBe('over-budget');
    expect(verdict?.reason).toBe(
      'replication slot "outbox_slot" retains 2560 MiB of WAL, over its budget of 2048 MiB: Debezium is behind or stopped',
    );
  });

  it('refuses writes when the slot does not exist, since nothing would publish them', () => {
    expect(judgeSlot('outbox_slot', null, 2 * GiB)).toEqual({
      problem: 'missing',
      reason: 'replication slot "outbox_slot" does not exist, so events written now would never be published',
    });
  });

  it('refuses writes when the slot was invalidated or is about to be', () => {
    expect(judgeSlot('outbox_slot', { retainedBytes: null, walStatus: 'lost' }, 2 * GiB)?.problem).toBe('lost');
    expect(judgeSlot('outbox_slot', { retainedBytes: GiB, walStatus: 'unreserved' }, 2 * GiB)?.problem).toBe(
      'unreserved',
    );
    expect(judgeSlot('outbox_slot', { retainedBytes: null, walStatus: null }, 2 * GiB)?.problem).toBe('no-position');
  });
});

describe('readReplicationSlot', () => {
  const poolAnswering = (rows: unknown[]) => {
    const queries: { values: unknown[] }[] = [];
    const pool = {
      query: async (query: { values: unknown[] }) => {
        queries.push(query);
        return { rows };
      },
    };
    return { queries, pool: pool as unknown as Queryable };
  };

  it('reads retained bytes and wal status of the named slot', async () => {
    const { pool, queries } = poolAnswering([{ retained: 1234, wal_status: 'reserved' }]);
    expect(await readReplicationSlot(pool, 'outbox_slot')).toEqual({ retainedBytes: 1234, walStatus: 'reserved' });
    expect(queries[0]?.values).toEqual(['outbox_slot']);
  });

  it('reads no row as a missing slot', async () => {
    expect(await readReplicationSlot(poolAnswering([]).pool, 'outbox_slot')).toBeNull();
  });
});
