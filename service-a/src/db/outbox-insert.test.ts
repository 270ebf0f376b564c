import { describe, expect, it } from 'vitest';
import { inputDigest } from '../domain/input-digest.js';
import { RequestIdReusedError } from '../errors.js';
import { createGroupCommit, RowFailure } from '../group-commit.js';
import { insertOutboxRows, type OutboxRow, type RecordedSum } from './outbox-insert.js';
import { isPerRowError } from './pg-errors.js';
import type { Queryable } from './pool.js';

interface Query {
  name: string;
  values: unknown[][];
}

type Answer = { rows: unknown[] } | Error | ((values: unknown[][]) => { rows: unknown[] });

/** A pool answering each named statement with `answers[name]`: rows, an error to throw, or a function of the values. */
function fakePool(answers: Record<string, Answer>) {
  const queries: Query[] = [];
  const pool = {
    query: async (query: Query) => {
      queries.push(query);
      const answer = answers[query.name];
      if (answer === undefined) throw new Error(`unexpected statement ${query.name}`);
      if (answer instanceof Error) throw answer;
      return typeof answer === 'function' ? answer(query.values) : answer;
    },
  };
  return { queries, pool: pool as unknown as Queryable };
}

let lastCallId = 0;

function row(
  eventId: string,
  requestId: string | null = null,
  operands: number[] = [1, 2],
  callId = ++lastCallId,
): OutboxRow {
  return {
    eventId,
    userId: 'alice',
    requestId,
    sum: operands.reduce((a, b) => a + b, 0),
    payload: Buffer.from(eventId),
    traceparent: null,
    createdAt: 1_700_000_000_000,
    inputDigest: requestId === null ? null : inputDigest('alice', operands),
    callId,
  };
}

const recorded = (requestId: string, eventId: string, sum: number, digest: Buffer | null) => ({
  user_id: 'alice',
  request_id: requestId,
  event_id: eventId,
  sum,
  input_digest: digest,
});

const written = (...ids: string[]) => ({
  rows: ids.map((id) => ({ id, reused_call: null, reused_request_id: null })),
});

describe('insertOutboxRows', () => {
  it('writes every row in one statement, one parameter array per column', async () => {
    const { pool, queries } = fakePool({ 'insert-outbox-rows': written('e1', 'e2') });
    const rows = [row('e1'), row('e2', 'r-2')];
    expect(await insertOutboxRows(pool, rows)).toEqual([
      { eventId: 'e1', sum: 3, replayed: false },
      { eventId: 'e2', sum: 3, replayed: false },
    ]);
    expect(queries).toHaveLength(1);
    const [eventIds, userIds, requestIds, sums, payloads, traceparents, createdAts, digests] = queries[0]?.values ?? [];
    expect({ eventIds, userIds, requestIds, sums, traceparents, createdAts }).toEqual({
      eventIds: ['e1', 'e2'],
      userIds: ['alice', 'alice'],
      requestIds: [null, 'r-2'],
      sums: [3, 3],
      traceparents: [null, null],
      createdAts: [1_700_000_000_000, 1_700_000_000_000],
    });
    expect(payloads).toEqual([Buffer.from('e1'), Buffer.from('e2')]);
    expect(digests).toEqual([null, inputDigest('alice', [1, 2])]);
  });

  it('answers a replayed row with the answer recorded for its request id', async () => {
    const { pool } = fakePool({
      'insert-outbox-rows': written('e1'),
      'recorded-answers': { rows: [recorded('r-2', 'first', 3, inputDigest('alice', [1, 2]))] },
    });
    expect(await insertOutboxRows(pool, [row('e1'), row('e2', 'r-2')])).toEqual([
      { eventId: 'e1', sum: 3, replayed: false },
      { eventId: 'first', sum: 3, replayed: true },
    ]);
  });

  it('keeps the written rows when the lookup of the replayed ones fails after the commit', async () => {
    const lookupFailed = Object.assign(new Error('connection terminated'), { code: '57P01' });
    const { pool } = fakePool({ 'insert-outbox-rows': written('e1', 'e3'), 'recorded-answers': lookupFailed });
    const outcomes = await insertOutboxRows(pool, [row('e1'), row('e2', 'r-2'), row('e3', 'r-3')]);
    expect(outcomes[0]).toEqual({ eventId: 'e1', sum: 3, replayed: false });
    expect(outcomes[1]).toEqual(new RowFailure(lookupFailed));
    expect(outcomes[2]).toEqual({ eventId: 'e3', sum: 3, replayed: false });
  });

  it('sets aside every row of a call whose request id was recorded with other input, writing none of them', async () => {
    const { pool } = fakePool({
      'insert-outbox-rows': {
        rows: [
          { id: 'e1', reused_call: null, reused_request_id: null },
          { id: null, reused_call: 42, reused_request_id: 'r-9' },
        ],
      },
    });
    const outcomes = await insertOutboxRows(pool, [row('e1'), row('e2', 'r-8', [1, 2], 42), row('e3', 'r-9', [5], 42)]);
    expect(outcomes[0]).toEqual({ eventId: 'e1', sum: 3, replayed: false });
    for (const outcome of outcomes.slice(1)) {
      expect((outcome as RowFailure).error).toEqual(new RequestIdReusedError('r-9'));
    }
  });

  it('refuses a lone call whose request id was recorded with other input', async () => {
    const { pool } = fakePool({
      'insert-outbox-rows': { rows: [{ id: null, reused_call: 7, reused_request_id: 'r-1' }] },
    });
    const [outcome] = await insertOutboxRows(pool, [row('e1', 'r-1', [5], 7)]);
    expect((outcome as RowFailure).error).toEqual(new RequestIdReusedError('r-1'));
  });

  it('refuses a request id that a concurrent call recorded with different operands, naming it', async () => {
    const { pool } = fakePool({
      'insert-outbox-rows': written(),
      'recorded-answers': { rows: [recorded('r-1', 'first', 3, inputDigest('alice', [2, 1]))] },
    });
    const [outcome] = await insertOutboxRows(pool, [row('e1', 'r-1', [1, 2])]);
    expect(outcome).toBeInstanceOf(RowFailure);
    const error = (outcome as RowFailure).error;
    expect(error).toBeInstanceOf(RequestIdReusedError);
    expect((error as RequestIdReusedError).message).toContain('request_id "r-1"');
  });

  it('treats a key recorded without a digest as matching', async () => {
    const { pool } = fakePool({
      'insert-outbox-rows': written(),
      'recorded-answers': { rows: [recorded('r-1', 'first', 7, null)] },
    });
    expect(await insertOutboxRows(pool, [row('e1', 'r-1')])).toEqual([{ eventId: 'first', sum: 7, replayed: true }]);
  });

  it('fails a row that was neither written nor recorded, and only that row', async () => {
    const { pool } = fakePool({ 'insert-outbox-rows': written('e1'), 'recorded-answers': { rows: [] } });
    const [first, second] = await insertOutboxRows(pool, [row('e1'), row('e2', 'r-2')]);
    expect(first).toEqual({ eventId: 'e1', sum: 3, replayed: false });
    expect((second as RowFailure).error).toEqual(new Error('event e2 was neither written nor recorded before'));
  });

  it('rejects the whole batch when the insert itself fails', async () => {
    const { pool } = fakePool({ 'insert-outbox-rows': new Error('connection refused') });
    await expect(insertOutboxRows(pool, [row('e1')])).rejects.toThrow('connection refused');
  });
});

describe('insertOutboxRows behind the group commit', () => {
  it('answers callers whose rows were written although the replay lookup failed; replayed callers get the error', async () => {
    // The first call keeps a commit in flight, so the next three share one batch.
    let releaseFirst: () => void = () => {};
    const firstDone = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const { pool } = fakePool({
      // Every row is new except the one whose request id was recorded before.
      'insert-outbox-rows': ([eventIds]) => written(...(eventIds as string[]).filter((id) => id !== 'again')),
      'recorded-answers': Object.assign(new Error('connection terminated'), { code: '57P01' }),
    });
    const commit = createGroupCommit<OutboxRow, RecordedSum>({
      flush: async (rows) => {
        if (rows[0]?.eventId === 'first') await firstDone;
        return insertOutboxRows(pool, rows);
      },
      isPerRowError,
      maxQueuedRows: 100,
      maxBatchRows: 100,
      maxInFlight: 1,
    });
    const first = commit.submit([row('first')]);
    const fresh = commit.submit([row('new')]);
    const freshWithId = commit.submit([row('new-with-id', 'r-new')]);
    const replayed = commit.submit([row('again', 'r-old')]);
    releaseFirst();
    expect(await first).toEqual([{ eventId: 'first', sum: 3, replayed: false }]);
    expect(await fresh).toEqual([{ eventId: 'new', sum: 3, replayed: false }]);
    expect(await freshWithId).toEqual([{ eventId: 'new-with-id', sum: 3, replayed: false }]);
    await expect(replayed).rejects.toThrow('connection terminated');
  });
});
