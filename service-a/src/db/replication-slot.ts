import type { Queryable } from './pool.js';

/** The replication slot Debezium streams the outbox through, as Postgres reports it. */
export interface SlotReading {
  /** WAL between the current position and the slot's restart_lsn; null when the slot holds none. */
  retainedBytes: number | null;
  /** reserved, extended, unreserved or lost (pg_replication_slots.wal_status). */
  walStatus: string | null;
}

// pg_replication_slots is readable by every role (PG 15), so service-a needs no extra grant.
const READ_SLOT = `
  SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float8 AS retained, wal_status
  FROM pg_replication_slots WHERE slot_name = $1`;

/** Reads the slot; null when it does not exist. Rejects when the database does not answer. */
export async function readReplicationSlot(pool: Queryable, slotName: string): Promise<SlotReading | null> {
  const result = await pool.query<{ retained: number | null; wal_status: string | null }>({
    name: 'read-replication-slot',
    text: READ_SLOT,
    values: [slotName],
  });
  const row = result.rows[0];
  return row ? { retainedBytes: row.retained, walStatus: row.wal_status } : null;
}

export type SlotProblem = 'missing' | 'lost' | 'no-position' | 'unreserved' | 'over-budget';

export interface SlotVerdict {
  problem: SlotProblem;
  /** For clients and readiness: what is wrong and why writes wait. */
  reason: string;
}

/**
 * Once paused over budget, writes resume only when the slot is back under this share of it: the
 * slot's restart position moves in steps, so a slot hovering at the budget would otherwise flip
 * writes on and off every few seconds.
 */
export const RESUME_BELOW_SHARE = 0.75;

const mebibytes = (bytes: number) => `${Math.round(bytes / 1_048_576)} MiB`;

/**
 * Whether events written now would reach Kafka without risk: the slot exists, still holds its
 * WAL, and retains less than the budget, which sits below max_slot_wal_keep_size so writers stop
 * before Postgres would invalidate the slot. Null when writes may go ahead. `overBudgetBefore`:
 * writes are paused over budget now, so they wait until the slot is under RESUME_BELOW_SHARE of it.
 */
export function judgeSlot(
  slotName: string,
  reading: SlotReading | null,
  budgetBytes: number,
  overBudgetBefore = false,
): SlotVerdict | null {
  const slot = `replication slot ${JSON.stringify(slotName)}`;
  if (reading === null) {
    return { problem: 'missing', reason: `${slot} does not exist, so events written now would never be published` };
  }
  if (reading.walStatus === 'lost') {
    return {
      problem: 'lost',
      reason: `${slot} was invalidated (wal_status lost): events it had not streamed are gone; it must be recreated`,
    };
  }
  if (reading.retainedBytes === null) {
    return { problem: 'no-position', reason: `${slot} holds no WAL position (restart_lsn is null)` };
  }
  if (reading.walStatus === 'unreserved') {
    return {
      problem: 'unreserved',
      reason: `${slot} retains more WAL than max_slot_wal_keep_size allows and will be invalidated at the next checkpoint`,
    };
  }
  const limit = overBudgetBefore ? budgetBytes * RESUME_BELOW_SHARE : budgetBytes;
  if (reading.retainedBytes > limit) {
    return {
      problem: 'over-budget',
      reason:
        `${slot} retains ${mebibytes(reading.retainedBytes)} of WAL, over its budget of ${mebibytes(budgetBytes)}: ` +
        'Debezium is behind or stopped',
    };
  }
  return null;
}
