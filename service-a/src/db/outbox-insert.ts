import type pg from 'pg';

/** One event ready for the outbox: validated, computed and encoded. */
export interface OutboxRow {
  eventId: string;
  userId: string;
  requestId: string | null;
  sum: number;
  payload: Buffer;
  traceparent: string | null;
  createdAt: number;
}

/** What the caller answers: its own event, or the one an earlier call with the same request id recorded. */
export interface RecordedSum {
  eventId: string;
  sum: number;
  replayed: boolean;
}

// One statement, one transaction: the idempotency keys first (ON CONFLICT skips keys already
// recorded, even by a concurrent call on another instance, which it waits for), then the outbox
// rows of the calls that are new. The outbox trigger deletes the rows again at statement end.
const INSERT_ROWS = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::float8[], $5::bytea[], $6::text[], $7::float8[])
      AS t(event_id, user_id, request_id, sum, payload, traceparent, created_at_ms)
  ),
  new_keys AS (
    INSERT INTO request_keys (user_id, request_id, event_id, sum)
    SELECT user_id, request_id, event_id, sum FROM input WHERE request_id IS NOT NULL
    ON CONFLICT (user_id, request_id) DO NOTHING
    RETURNING event_id
  ),
  new_calls AS (
    SELECT * FROM input WHERE request_id IS NULL OR event_id IN (SELECT event_id FROM new_keys)
  ),
  -- No RETURNING here: service-a holds INSERT on outbox only, and RETURNING would need SELECT.
  written AS (
    INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, traceparent, created_at)
    SELECT event_id, 'user', user_id, 'SumCalculated', payload, traceparent, to_timestamp(created_at_ms / 1000)
    FROM new_calls
  )
  SELECT event_id::text AS id FROM new_calls`;

const RECORDED_ANSWERS = `
  SELECT k.user_id, k.request_id, k.event_id::text, k.sum
  FROM request_keys k
  JOIN unnest($1::text[], $2::text[]) AS wanted(user_id, request_id) USING (user_id, request_id)`;

const keyOf = (userId: string, requestId: string) => `${userId}\u0000${requestId}`;

/** Writes rows to the outbox in one transaction; rows whose request id was seen before get the recorded answer. */
export async function insertOutboxRows(pool: pg.Pool, rows: readonly OutboxRow[]): Promise<RecordedSum[]> {
  // Named: each connection parses and plans the statement once, not once per batch.
  const written = await pool.query<{ id: string }>({
    name: 'insert-outbox-rows',
    text: INSERT_ROWS,
    values: [
      rows.map((r) => r.eventId),
      rows.map((r) => r.userId),
      rows.map((r) => r.requestId),
      rows.map((r) => r.sum),
      rows.map((r) => r.payload),
      rows.map((r) => r.traceparent),
      rows.map((r) => r.createdAt),
    ],
  });
  const writtenIds = new Set(written.rows.map((row) => row.id));
  const replays = rows.filter((row) => !writtenIds.has(row.eventId) && row.requestId !== null);
  const answers = new Map<string, { event_id: string; sum: number }>();
  if (replays.length > 0) {
    // Read after the commit above, so a concurrent first call that won the key is visible.
    const recorded = await pool.query<{ user_id: string; request_id: string; event_id: string; sum: number }>({
      name: 'recorded-answers',
      text: RECORDED_ANSWERS,
      values: [replays.map((r) => r.userId), replays.map((r) => r.requestId)],
    });
    for (const row of recorded.rows) answers.set(keyOf(row.user_id, row.request_id), row);
  }
  return rows.map((row) => {
    if (writtenIds.has(row.eventId)) return { eventId: row.eventId, sum: row.sum, replayed: false };
    const answer = row.requestId === null ? undefined : answers.get(keyOf(row.userId, row.requestId));
    if (!answer) throw new Error(`event ${row.eventId} was neither written nor recorded before`);
    return { eventId: answer.event_id, sum: answer.sum, replayed: true };
  });
}
