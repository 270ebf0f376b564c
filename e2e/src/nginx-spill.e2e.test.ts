import { setTimeout as sleep } from 'node:timers/promises';
import type { CalculateSumResponse } from '@calculator/proto';
import { type ClientError, Status } from 'nice-grpc';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from './problem.js';
import {
  calculatorClient,
  eventually,
  everyServiceAReady,
  freshUserId,
  metricSamples,
  stack,
  supervisorctl,
} from './stack.js';

const { client, close } = calculatorClient();
afterAll(() => close());
const spillAt = stack.serviceASpillAt;
/** Calls past what service-a-1 holds. */
const extra = 8;
const otherInstances = Array.from({ length: stack.serviceAInstances - 1 }, (_, i) => i + 2);

/** OK CalculateSum answers the given service-a instances have given so far, by their /metrics. */
async function answeredBy(...instances: number[]): Promise<number> {
  let total = 0;
  for (const instance of instances) {
    const samples = await metricSamples(stack.serviceAHttpUrl(instance), 'grpc_server_handled_total');
    for (const { labels, value } of samples) {
      if (labels.includes('CalculateSum"') && labels.includes('code="OK"')) total += value;
    }
  }
  return total;
}

/** Resolves with 'pending' if `call` has not settled within `ms`. */
function settledWithin(call: Promise<unknown>, ms: number): Promise<'settled' | 'pending'> {
  return Promise.race([
    call.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    sleep(ms).then(() => 'pending' as const),
  ]);
}

interface Held<T> {
  /** The call whose group commit waits on the held request key. */
  held: Promise<T>;
  /** `spillAt - 1 + extra` calls sent after it; the one at index i sums to i. */
  others: Promise<T>[];
}

interface SumCall {
  userId: string;
  operands: number[];
  requestId?: string;
}

const overGrpc = (call: SumCall) => client.calculateSum(call);
const overHttp = (call: SumCall) =>
  fetch(`${stack.httpApiUrl}/v1/sum`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(call),
  });

/**
 * Fills service-a-1 through nginx: a request key held by an open transaction makes its group commit
 * for a call reusing that key wait on the row, and the calls sent after it wait behind that commit
 * (one group commit in flight per instance). The hold ends (ROLLBACK) when `whileHeld` returns,
 * well within service-a's statement timeout (5 s), so every call still waiting is then written.
 */
async function withServiceA1Full<T>(
  send: (call: SumCall) => Promise<T>,
  whileHeld: (calls: Held<T>) => Promise<void>,
): Promise<void> {
  const { host, port, databases, roles } = stack.postgres;
  const holder = new pg.Client({ host, port, database: databases.calculator, ...roles.serviceA });
  await holder.connect();
  try {
    const userId = freshUserId('spill');
    await holder.query('BEGIN');
    await holder.query(
      `INSERT INTO request_keys (user_id, request_id, event_id, sum) VALUES ($1, 'held', gen_random_uuid(), 1)`,
      [userId],
    );
    const held = send({ userId, operands: [1], requestId: 'held' });
    expect(await settledWithin(held, 300)).toBe('pending');
    const others = Array.from({ length: spillAt - 1 + extra }, (_, i) =>
      send({ userId: freshUserId('spill-other'), operands: [i] }),
    );
    await whileHeld({ held, others });
  } finally {
    await holder.query('ROLLBACK').catch(() => undefined);
    await holder.end();
  }
}

/** Stops every instance but service-a-1 for `run`, then starts them and waits until they are ready. */
async function withOnlyServiceA1(run: () => Promise<void>): Promise<void> {
  const names = otherInstances.map((i) => `service-a-${i}`);
  await supervisorctl('stop', ...names);
  try {
    await run();
  } finally {
    await supervisorctl('start', ...names);
  }
  await everyServiceAReady();
}

describe.runIf(spillAt > 0 && stack.serviceAInstances > 1 && stack.serviceAOutboxMaxInFlight === 1)(
  'nginx packs calls on service-a-1',
  () => {
    beforeAll(async () => {
      await everyServiceAReady();
      // An earlier test may have stopped or killed an instance. nginx then skips it for
      // fail_timeout, and after that gives it one call at a time until one succeeds, in each
      // upstream group on its own. A reload starts workers that remember no failure.
      await supervisorctl('signal', 'HUP', 'nginx');
      await sleep(1000);
    });

    it('sends every call to service-a-1 while it has room', async () => {
      const [first, others] = [await answeredBy(1), await answeredBy(...otherInstances)];
      for (let i = 0; i < 20; i++) await client.calculateSum({ userId: freshUserId('packed'), operands: [i] });
      expect((await answeredBy(1)) - first).toBe(20);
      expect((await answeredBy(...otherInstances)) - others).toBe(0);
    });

    it('spills to the other instances once service-a-1 holds SERVICE_A_SPILL_AT calls, and loses none', async () => {
      const before = await answeredBy(...otherInstances);
      let calls: Held<CalculateSumResponse> | undefined;
      await withServiceA1Full(overGrpc, async (held) => {
        calls = held;
        // The extra calls are answered elsewhere while service-a-1 is still held.
        await eventually(
          'the extra calls answered by the other instances',
          async () => ((await answeredBy(...otherInstances)) - before >= extra ? true : undefined),
          3000,
        );
        expect((await answeredBy(...otherInstances)) - before).toBe(extra);
        expect(await settledWithin(held.held, 0)).toBe('pending');
      });
      if (!calls) throw new Error('service-a-1 was never filled');
      expect((await calls.held).sum).toBe(1);
      expect((await Promise.all(calls.others)).map((answer) => answer.sum)).toEqual(calls.others.map((_, i) => i));
    });

    // Last two: nginx then holds the stopped instances as failed.
    it('answers UNAVAILABLE past SERVICE_A_SPILL_AT while service-a-1 is full and the others are down', async () => {
      await withOnlyServiceA1(async () => {
        let waiting: Promise<CalculateSumResponse>[] = [];
        await withServiceA1Full(overGrpc, async ({ held, others }) => {
          // One channel, so nginx receives the streams in the order they were opened: the extra
          // calls find no server with room and are answered at once; the rest wait.
          const refused = await Promise.allSettled(others.slice(-extra));
          expect(refused.map((o) => (o.status === 'rejected' ? (o.reason as ClientError).code : 'OK'))).toEqual(
            Array(extra).fill(Status.UNAVAILABLE),
          );
          expect(await settledWithin(held, 0)).toBe('pending');
          waiting = [held, ...others.slice(0, -extra)];
        });
        // Once the hold ends, every call service-a-1 took is written and answered.
        const sums = (await Promise.all(waiting)).map((answer) => answer.sum);
        expect(sums).toEqual([1, ...Array.from({ length: spillAt - 1 }, (_, i) => i)]);
      });
    });

    it('answers POST /v1/sum past SERVICE_A_SPILL_AT with 503 SERVICE_UNAVAILABLE while service-a-1 is full and the others are down', async () => {
      await withOnlyServiceA1(async () => {
        const settled = new Set<number>();
        let refusedIndexes = new Set<number>();
        let others: Promise<Response>[] = [];
        await withServiceA1Full(overHttp, async (calls) => {
          others = calls.others;
          others.forEach((call, i) => void call.finally(() => settled.add(i)).catch(() => undefined));
          // Each request has its own connection, so which ones find no room is not known in advance.
          await eventually(
            'the calls without room answered',
            async () => (settled.size >= extra ? true : undefined),
            3000,
          );
          refusedIndexes = new Set(settled);
          expect(refusedIndexes.size).toBe(extra);
          expect(await settledWithin(calls.held, 0)).toBe('pending');
        });
        const responses = await Promise.all(others);
        const refused = responses.filter((_, i) => refusedIndexes.has(i));
        for (const response of refused) {
          await expectProblem(response, { status: 503, code: 'SERVICE_UNAVAILABLE', service: 'service-a' });
        }
        // Once the hold ends, every call service-a-1 took is written and answered with its own sum.
        const answered = responses.map((response, i) => ({ response, i })).filter(({ i }) => !refusedIndexes.has(i));
        expect(answered.map(({ response }) => response.status)).toEqual(Array(spillAt - 1).fill(200));
        for (const { response, i } of answered) expect(((await response.json()) as { sum: number }).sum).toBe(i);
      });
    });
  },
);
