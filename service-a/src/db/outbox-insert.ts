import { RequestIdReusedError } from '../errors.js';
import { RowFailure } from '../group-commit.js';
import type { Queryable } from './pool.js';

/** One event ready for the outbox: validated, computed and encoded. */
export interface OutboxRow {
  eventId: string;
  userId: string;
  requestId: string | null;
  sum: number;
  payload: Buffer;
  traceparent: string | null;
  createdAt: number;
  /** Digest of the call's input (see domain/input-digest.ts); set when requestId is. */
  inputDigest: Buffer | null;
  /** The call the row belongs to: a call's rows are written together or not at all. */
  callId: number;
}

/** What the caller answers: its own event, or the one an earlier call with the same request id recorded. */
export interface RecordedSum {
  eventId: string;
  sum: number;
  replayed: boolean;
}

// One statement, one transaction: calls reusing a recorded request id with other input are set
// aside whole (a CalculateSums writes all of its items or none), then the idempotency keys
// (ON CONFLICT skips keys already recorded, even by a concurrent call on another instance, which
// it waits for), then the outbox rows of the calls that are new. The outbox trigger deletes the
// rows again at statement end.
const INSERT_ROWS = `
  WITH input AS (
    SELECT * FROM unnest(
      $1::uuid[], $2::text[], $3::text[], $4::float8[], $5::bytea[], $6::text[], $7::float8[], $8::bytea[], $9::int[]
    ) AS t(event_id, user_id, request_id, sum, payload, traceparent, created_at_ms, input_digest, call_id)
  ),
  reused AS (
    SELECT DISTINCT ON (i.call_id) i.call_id, i.request_id
    FROM input i JOIN request_keys k USING (user_id, request_id)
    WHERE k.input_digest IS NOT NULL AND k.input_digest IS DISTINCT FROM i.input_digest
  ),
  accepted AS (
    SELECT * FROM input WHERE call_id NOT IN (SELECT call_id FROM reused)
  ),
  new_keys AS (
    INSERT INTO request_keys (user_id, request_id, event_id, sum, input_digest)
    SELECT user_id, request_id, event_id, sum, input_digest FROM accepted WHERE request_id IS NOT NULL
    ON CONFLICT (user_id, request_id) DO NOTHING
    RETURNING event_id
  ),
  new_calls AS (
    SELECT * FROM accepted WHERE request_id IS NULL OR event_id IN (SELECT event_id FROM new_keys)
  ),
  -- No RETURNING here: service-a holds INSERT on outbox only, and RETURNING would need SELECT.
  written AS (
    INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, traceparent, created_at)
    SELECT event_id, 'user', user_id, 'SumCalculated', payload, traceparent, to_timestamp(created_at_ms / 1000)
    FROM new_calls
  )
  SELECT event_id::text AS id, NULL::int AS reused_call, NULL::text AS reused_request_id FROM new_calls
  UNION ALL
  SELECT NULL, call_id, request_id FROM reused`;

interface InsertResult {
  /** A written row's event id; null on a line naming a call set aside. */
  id: string | null;
  reused_call: number | null;
  reused_request_id: string | null;
}

const RECORDED_ANSWERS = `
  SELECT k.user_id, k.request_id, k.event_id::text, k.sum, k.input_digest
  FROM request_keys k
  JOIN unnest($1::text[], $2::text[]) AS wanted(user_id, request_id) USING (user_id, request_id)`;

interface RecordedAnswer {
  user_id: string;
  request_id: string;
  event_id: string;
  sum: number;
  /** Null for keys recorded before digests were stored: those count as matching. */
  input_digest: Buffer | null;
}

const keyOf = (userId: string, requestId: string) => `${userId}\u0000${requestId}`;

/** The answer recorded for a replayed row, or why it cannot be given. */
function replayOutcome(row: OutboxRow, answer: RecordedAnswer | undefined): RecordedSum | RowFailure {
  if (!answer) {
    // Nothing of this row was written, so answering UNAVAILABLE is truthful and a retry is safe.
    return new RowFailure(new Error(`event ${row.eventId} was neither written nor recorded before`));
  }
  const recorded = answer.input_digest;
  if (recorded !== null && (row.inputDigest === null || !recorded.equals(row.inputDigest))) {
    return new RowFailure(new RequestIdReusedError(row.requestId ?? ''));
  }
  return { eventId: answer.event_id, sum: answer.sum, replayed: true };
}

/**
 * Writes rows to the outbox in one transaction and returns one outcome per row: rows written get
 * their own answer, rows whose request id was seen before get the recorded one. Once the INSERT
 * has committed, a later failure fails only the replayed rows it concerns, never the written ones.
 */
export async function insertOutboxRows(
  pool: Queryable,
  rows: readonly OutboxRow[],
): Promise<(RecordedSum | RowFailure)[]> {
  const count = rows.length;
  const eventIds = new Array<string>(count);
  const userIds = new Array<string>(count);
  const requestIds = new Array<string | null>(count);
  const sums = new Array<number>(count);
  const payloads = new Array<Buffer>(count);
  const traceparents = new Array<string | null>(count);
  const createdAts = new Array<number>(count);
  const digests = new Array<Buffer | null>(count);
  const callIds = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const row = rows[i] as OutboxRow;
    eventIds[i] = row.eventId;
    userIds[i] = row.userId;
    requestIds[i] = row.requestId;
    sums[i] = row.sum;
    payloads[i] = row.payload;
    traceparents[i] = row.traceparent;
    createdAts[i] = row.createdAt;
    digests[i] = row.inputDigest;
    callIds[i] = row.callId;
  }
  // Named: each connection parses and plans the statement once, not once per batch.
  const written = await pool.query<InsertResult>({
    name: 'insert-outbox-rows',
    text: INSERT_ROWS,
    values: [eventIds, userIds, requestIds, sums, payloads, traceparents, createdAts, digests, callIds],
  });

  const outcomes = new Array<RecordedSum | RowFailure>(count);
  // The ids returned are a subset of the rows' own, so as many ids as rows means all were written
  // (a call set aside adds a line without an id, and then at least one of its rows is not written).
  if (written.rows.length === count && written.rows.every((line) => line.id !== null)) {
    for (let i = 0; i < count; i++) {
      outcomes[i] = { eventId: eventIds[i] as string, sum: sums[i] as number, replayed: false };
    }
    return outcomes;
  }
  const writtenIds = new Set<string>();
  const reusedCalls = new Map<number, string>();
  for (const line of written.rows) {
    if (line.id !== null) writtenIds.add(line.id);
    else if (line.reused_call !== null) reusedCalls.set(line.reused_call, line.reused_request_id ?? '');
  }
  const replays: OutboxRow[] = [];
  for (let i = 0; i < count; i++) {
    const row = rows[i] as OutboxRow;
    const reusedRequestId = reusedCalls.get(row.callId);
    if (reusedRequestId !== undefined) outcomes[i] = new RowFailure(new RequestIdReusedError(reusedRequestId));
    else if (writtenIds.has(row.eventId)) outcomes[i] = { eventId: row.eventId, sum: row.sum, replayed: false };
    else replays.push(row);
  }
  if (replays.length === 0) return outcomes;

  let answers: Map<string, RecordedAnswer>;
  try {
    // Read after the commit above, so a concurrent first call that won the key is visible.
    const recorded = await pool.query<RecordedAnswer>({
      name: 'recorded-answers',
      text: RECORDED_ANSWERS,
      values: [replays.map((r) => r.userId), replays.map((r) => r.requestId)],
    });
    answers = new Map(recorded.rows.map((answer) => [keyOf(answer.user_id, answer.request_id), answer]));
  } catch (error) {
    // The written rows stand committed; only the replays go unanswered, and they are safe to retry.
    for (let i = 0; i < count; i++) outcomes[i] ??= new RowFailure(error);
    return outcomes;
  }
  for (let i = 0; i < count; i++) {
    if (outcomes[i] !== undefined) continue;
    const row = rows[i] as OutboxRow;
    const answer = row.requestId === null ? undefined : answers.get(keyOf(row.userId, row.requestId));
    outcomes[i] = replayOutcome(row, answer);
  }
  return outcomes;
}
