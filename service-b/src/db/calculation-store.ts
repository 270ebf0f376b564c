import type { SumCalculated } from '@calculator/proto';
import type pg from 'pg';
import type { Statement } from './in-transaction.js';

/** An event together with where it was read, kept with the result for tracing. */
export interface DeliveredEvent {
  event: SumCalculated;
  partition: number;
  offset: string;
}

export interface Calculation {
  /** Position in apply order (a bigint as a decimal string): the SSE event id, and what cursors encode. */
  seq: string;
  eventId: string;
  userId: string;
  operands: number[];
  sum: number;
  requestId: string | null;
  createdAt: string;
  appliedAt: string;
}

export interface UserSummary {
  userId: string;
  calculationCount: number;
  total: number;
}

type CalculationRow = Omit<Calculation, 'createdAt' | 'appliedAt'> & { createdAt: Date; appliedAt: Date };

export interface CalculationStore {
  /** Applies a batch in one transaction; events already applied are skipped. Returns the ones applied now. */
  applyBatch(deliveries: readonly DeliveredEvent[]): Promise<SumCalculated[]>;
  findCalculation(eventId: string): Promise<Calculation | undefined>;
  findUserSummary(userId: string): Promise<UserSummary | undefined>;
  /** A user's calculations newest first, only those before `beforeSeq` when it is given. */
  listUserCalculations(userId: string, page: { beforeSeq?: string; limit: number }): Promise<Calculation[]>;
  /** Calculations applied after `afterSeq`, oldest first; every user's, or one user's. */
  listCalculationsAfter(afterSeq: string, options: { userId?: string; limit: number }): Promise<Calculation[]>;
  /** The seq of the latest visible calculation, '0' while there is none. */
  latestSeq(): Promise<string>;
  /**
   * The visibility horizon: every calculation with a smaller seq that will ever exist can be read
   * now. A reader notified of a seq at or above it reads again once it has moved past.
   */
  visibleUpTo(): Promise<string>;
}

/** Notified, with the highest seq applied, when an apply transaction commits new calculations. */
export const CALCULATIONS_APPLIED_CHANNEL = 'calculations_applied';

/**
 * A batch's rows are numbered from its transaction's id, 16384 apart (see
 * migrations/004_seq_by_transaction.sql): apply transactions run side by side, and `seq` still
 * orders them. A batch must not exceed SEQ_PER_TRANSACTION rows.
 */
export const SEQ_PER_TRANSACTION = 16_384;

// What readers may see: rows below the oldest transaction still running anywhere in the cluster
// (pg_snapshot_xmin of this statement's snapshot), numbered as APPLY_BATCH numbers them. Every
// transaction below it has ended, and every later one numbers its rows above it, so no row ever
// appears below a seq a reader was given.
const HORIZON = `pg_snapshot_xmin(pg_current_snapshot())::text::bigint * ${SEQ_PER_TRANSACTION}`;
const VISIBLE = `seq < ${HORIZON}`;

// One statement, so one transaction and one round trip: number the new calculations from the
// transaction's id, insert them (the primary key skips duplicates, within the batch too), add
// exactly those rows to the per-user summaries, and notify the highest new seq (delivered at
// commit; nobody is notified when every event was a duplicate).
const APPLY_BATCH = `
  WITH numbered AS MATERIALIZED (
    SELECT pg_current_xact_id()::text::bigint * ${SEQ_PER_TRANSACTION} AS first_seq
  ),
  incoming AS (
    SELECT DISTINCT ON (event_id) e.*, numbered.first_seq + e.place AS seq
    FROM numbered, jsonb_to_recordset($1::jsonb) AS e(
      place integer, event_id uuid, user_id text, operands double precision[], sum double precision,
      request_id text, created_at_ms bigint, kafka_partition integer, kafka_offset bigint)
    ORDER BY event_id, e.place
  ),
  inserted AS (
    INSERT INTO calculations
      (seq, event_id, user_id, operands, sum, request_id, created_at, kafka_partition, kafka_offset)
    SELECT seq, event_id, user_id, operands, sum, request_id, to_timestamp(created_at_ms / 1000.0),
           kafka_partition, kafka_offset
    FROM incoming
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id, user_id, sum, seq
  ),
  summed AS (
    INSERT INTO user_summaries AS s (user_id, calculation_count, total)
    SELECT user_id, count(*), sum(sum) FROM inserted GROUP BY user_id
    ON CONFLICT (user_id) DO UPDATE
      SET calculation_count = s.calculation_count + EXCLUDED.calculation_count,
          total = s.total + EXCLUDED.total,
          updated_at = now()
  ),
  notified AS (
    SELECT pg_notify('${CALCULATIONS_APPLIED_CHANNEL}', max(seq)::text) FROM inserted HAVING count(*) > 0
  )
  SELECT event_id::text, seq::text, (SELECT count(*) FROM notified) AS notified FROM inserted`;

// The output column "seq" is text, for JSON; ORDER BY must name the bigint column
// (calculations.seq), or it sorts the alias as text and '10000' comes before '9999'.
const CALCULATION_COLUMNS = `
  seq::text AS seq, event_id::text AS "eventId", user_id AS "userId", operands, sum, request_id AS "requestId",
  created_at AS "createdAt", applied_at AS "appliedAt"`;

const CALCULATION_BY_ID = `SELECT ${CALCULATION_COLUMNS} FROM calculations WHERE event_id = $1 AND ${VISIBLE}`;

// Without a cursor the bound is the largest bigint, so one plan serves every page: an index range scan.
const USER_CALCULATIONS_BEFORE = `
  SELECT ${CALCULATION_COLUMNS} FROM calculations
  WHERE user_id = $1 AND seq < COALESCE($2::bigint, 9223372036854775807) AND ${VISIBLE}
  ORDER BY calculations.seq DESC LIMIT $3`;

const CALCULATIONS_AFTER = `
  SELECT ${CALCULATION_COLUMNS} FROM calculations
  WHERE seq > $1::bigint AND ${VISIBLE}
  ORDER BY calculations.seq LIMIT $2`;

const USER_CALCULATIONS_AFTER = `
  SELECT ${CALCULATION_COLUMNS} FROM calculations
  WHERE user_id = $1 AND seq > $2::bigint AND ${VISIBLE}
  ORDER BY calculations.seq LIMIT $3`;

const LATEST_SEQ = `SELECT COALESCE(max(seq), 0)::text AS seq FROM calculations WHERE ${VISIBLE}`;

// Where readers stand: every row below it that will ever exist is visible now.
const VISIBLE_UP_TO = `SELECT (${HORIZON})::text AS seq`;

const SUMMARY_BY_USER = `
  SELECT user_id AS "userId", calculation_count::float8 AS "calculationCount", total
  FROM user_summaries WHERE user_id = $1`;

function toCalculation(row: CalculationRow): Calculation {
  return { ...row, createdAt: row.createdAt.toISOString(), appliedAt: row.appliedAt.toISOString() };
}

/** The part of pg.Pool the store uses, so a test can stand in for Postgres. */
export interface StorePool {
  query<R extends pg.QueryResultRow>(statement: Statement, values?: unknown[]): Promise<{ rows: R[] }>;
}

export function createCalculationStore(pool: StorePool): CalculationStore {
  return {
    async applyBatch(deliveries) {
      if (deliveries.length === 0) return [];
      if (deliveries.length > SEQ_PER_TRANSACTION) {
        throw new RangeError(`a batch holds at most ${SEQ_PER_TRANSACTION} events, not ${deliveries.length}`);
      }
      const rows = deliveries.map(({ event, partition, offset }, place) => ({
        place,
        event_id: event.eventId,
        user_id: event.userId,
        operands: event.operands,
        sum: event.sum,
        request_id: event.requestId,
        created_at_ms: event.createdAt,
        kafka_partition: partition,
        kafka_offset: offset,
      }));
      // Named: each connection parses and plans the statement once, not once per batch.
      const { rows: inserted } = await pool.query<{ event_id: string; seq: string }>({
        name: 'apply-batch',
        text: APPLY_BATCH,
        values: [JSON.stringify(rows)],
      });
      const applied = new Set(inserted.map((row) => row.event_id));
      return deliveries.map((d) => d.event).filter((event) => applied.delete(event.eventId));
    },
    async findCalculation(eventId) {
      const result = await pool.query<CalculationRow>(CALCULATION_BY_ID, [eventId]);
      const row = result.rows[0];
      return row && toCalculation(row);
    },
    async findUserSummary(userId) {
      const result = await pool.query<UserSummary>(SUMMARY_BY_USER, [userId]);
      return result.rows[0];
    },
    async listUserCalculations(userId, { beforeSeq, limit }) {
      const result = await pool.query<CalculationRow>(USER_CALCULATIONS_BEFORE, [userId, beforeSeq ?? null, limit]);
      return result.rows.map(toCalculation);
    },
    async listCalculationsAfter(afterSeq, { userId, limit }) {
      const result =
        userId === undefined
          ? await pool.query<CalculationRow>(CALCULATIONS_AFTER, [afterSeq, limit])
          : await pool.query<CalculationRow>(USER_CALCULATIONS_AFTER, [userId, afterSeq, limit]);
      return result.rows.map(toCalculation);
    },
    async latestSeq() {
      const result = await pool.query<{ seq: string }>(LATEST_SEQ);
      return result.rows[0]?.seq ?? '0';
    },
    async visibleUpTo() {
      const result = await pool.query<{ seq: string }>(VISIBLE_UP_TO);
      return result.rows[0]?.seq ?? '0';
    },
  };
}
