import type { SumCalculated } from '@calculator/proto';
import type pg from 'pg';

/** An event together with where it was read, kept with the result for tracing. */
export interface DeliveredEvent {
  event: SumCalculated;
  partition: number;
  offset: string;
}

export interface Calculation {
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
}

// One statement, hence one transaction: insert the new calculations (the primary key skips
// duplicates, within the batch too) and add exactly those rows to the per-user summaries.
const APPLY_BATCH = `
  WITH incoming AS (
    SELECT DISTINCT ON (event_id) *
    FROM jsonb_to_recordset($1::jsonb) AS e(
      event_id uuid, user_id text, operands double precision[], sum double precision,
      request_id text, created_at_ms bigint, kafka_partition integer, kafka_offset bigint)
  ),
  inserted AS (
    INSERT INTO calculations
      (event_id, user_id, operands, sum, request_id, created_at, kafka_partition, kafka_offset)
    SELECT event_id, user_id, operands, sum, request_id, to_timestamp(created_at_ms / 1000.0),
           kafka_partition, kafka_offset
    FROM incoming
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id, user_id, sum
  ),
  summed AS (
    INSERT INTO user_summaries AS s (user_id, calculation_count, total)
    SELECT user_id, count(*), sum(sum) FROM inserted GROUP BY user_id
    ON CONFLICT (user_id) DO UPDATE
      SET calculation_count = s.calculation_count + EXCLUDED.calculation_count,
          total = s.total + EXCLUDED.total,
          updated_at = now()
  )
  SELECT event_id::text FROM inserted`;

const CALCULATION_BY_ID = `
  SELECT event_id::text AS "eventId", user_id AS "userId", operands, sum, request_id AS "requestId",
         created_at AS "createdAt", applied_at AS "appliedAt"
  FROM calculations WHERE event_id = $1`;

const SUMMARY_BY_USER = `
  SELECT user_id AS "userId", calculation_count::float8 AS "calculationCount", total
  FROM user_summaries WHERE user_id = $1`;

export function createCalculationStore(pool: pg.Pool): CalculationStore {
  return {
    async applyBatch(deliveries) {
      if (deliveries.length === 0) return [];
      const rows = deliveries.map(({ event, partition, offset }) => ({
        event_id: event.eventId,
        user_id: event.userId,
        operands: event.operands,
        sum: event.sum,
        request_id: event.requestId,
        created_at_ms: event.createdAt,
        kafka_partition: partition,
        kafka_offset: offset,
      }));
      const result = await pool.query<{ event_id: string }>(APPLY_BATCH, [JSON.stringify(rows)]);
      const applied = new Set(result.rows.map((row) => row.event_id));
      return deliveries.map((d) => d.event).filter((event) => applied.delete(event.eventId));
    },
    async findCalculation(eventId) {
      const result = await pool.query<CalculationRow>(CALCULATION_BY_ID, [eventId]);
      const row = result.rows[0];
      return row && { ...row, createdAt: row.createdAt.toISOString(), appliedAt: row.appliedAt.toISOString() };
    },
    async findUserSummary(userId) {
      const result = await pool.query<UserSummary>(SUMMARY_BY_USER, [userId]);
      return result.rows[0];
    },
  };
}
