import { setTimeout as sleep } from 'node:timers/promises';
import { type ClientError, Status } from 'nice-grpc';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calculatorClient, eventually, freshUserId, metricSamples, stack, supervisorctl } from './stack.js';

const { client, close } = calculatorClient();
afterAll(() => close());
const spillAt = stack.serviceASpillAt;
/** Calls past what service-a-1 holds. */
const extra = 8;

/** nginx's fail_timeout for the service-a servers (stack/scripts/render-config.sh). */
const NGINX_FAIL_TIMEOUT_MS = 5000;

async function everyInstanceReady(): Promise<void> {
  for (let i = 1; i <= stack.serviceAInstances; i++) {
    await eventually(
      `service-a-${i} ready`,
      async () => ((await fetch(`${stack.serviceAHttpUrl(i)}/readyz`)).ok ? true : undefined),
      60_000,
    );
  }
}

/** OK CalculateSum answers one service-a instance has given so far, by its /metrics. */
async function answeredBy(instance: number): Promise<number> {
  const samples = await metricSamples(stack.serviceAHttpUrl(instance), 'grpc_server_handled_total');
  return samples
    .filter(({ labels }) => labels.includes('CalculateSum"') && labels.includes('code="OK"'))
    .reduce((total, { value }) => total + value, 0);
}

/** Resolves with 'pending' if `call` has not settled within `ms`. */
function settledWithin(call: Promise<unknown>, ms: number): Promise<'settled' | 'pending'> {
  return Promise.race([
    call.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

/**
 * Fills service-a-1 through nginx: a request key held by an open transaction makes its group commit
 * for a call reusing that key wait on the row, and the calls sent after it wait behind that commit.
 * `whileHeld` gets the held call and `spillAt - 1 + extra` calls sent after it; the hold ends
 * (ROLLBACK) once it returns, so every call still waiting then is written.
 */
async function withServiceA1Full(
  whileHeld: (held: Promise<unknown>, others: Promise<unknown>[]) => Promise<void>,
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
    const held = client.calculateSum({ userId, operands: [1], requestId: 'held' });
    expect(await settledWithin(held, 300)).toBe('pending');
    const others = Array.from({ length: spillAt - 1 + extra }, (_, i) =>
      client.calculateSum({ userId: freshUserId('spill-other'), operands: [i] }),
    );
    await whileHeld(held, others);
  } finally {
    await holder.query('ROLLBACK').catch(() => undefined);
    await holder.end();
  }
}

describe.runIf(spillAt > 0 && stack.serviceAInstances > 1)('nginx packs calls on service-a-1', () => {
  beforeAll(async () => {
    await everyInstanceReady();
    // An earlier test may have stopped or killed an instance: nginx gives a server that refused a
    // call no calls for fail_timeout, so these tests start once that has passed.
    await sleep(NGINX_FAIL_TIMEOUT_MS + 500);
  });

  it('sends every call to service-a-1 while it has room', async () => {
    const before = [await answeredBy(1), await answeredBy(2)];
    for (let i = 0; i < 20; i++) await client.calculateSum({ userId: freshUserId('packed'), operands: [i] });
    expect((await answeredBy(1)) - (before[0] as number)).toBe(20);
    expect((await answeredBy(2)) - (before[1] as number)).toBe(0);
  });

  it('spills to the next instance once service-a-1 holds SERVICE_A_SPILL_AT calls, and loses none', async () => {
    const before2 = await answeredBy(2);
    let pending: Promise<unknown>[] = [];
    await withServiceA1Full(async (held, others) => {
      pending = [held, ...others];
      // service-a-2 answers the extra calls while service-a-1 is still held.
      const deadline = Date.now() + 3000;
      while ((await answeredBy(2)) - before2 < extra && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await answeredBy(2)) - before2).toBe(extra);
      expect(await settledWithin(held, 0)).toBe('pending');
    });
    const answers = (await Promise.all(pending)) as { sum: number; eventId: string }[];
    expect(answers).toHaveLength(spillAt + extra);
    expect(answers.every((answer) => answer.eventId !== '')).toBe(true);
    expect(answers[0]?.sum).toBe(1);
  });

  // Last: nginx then holds service-a-2 as failed for fail_timeout.
  it('answers UNAVAILABLE past SERVICE_A_SPILL_AT while service-a-1 is full and the others are down', async () => {
    const others = Array.from({ length: stack.serviceAInstances - 1 }, (_, i) => `service-a-${i + 2}`);
    await supervisorctl('stop', ...others);
    let waiting: Promise<unknown>[] = [];
    try {
      await withServiceA1Full(async (held, rest) => {
        // The extra calls find no server with room and are answered at once; the others wait.
        const refused = await Promise.allSettled(rest.slice(-extra));
        expect(refused.map((outcome) => outcome.status === 'rejected' && (outcome.reason as ClientError).code)).toEqual(
          Array(extra).fill(Status.UNAVAILABLE),
        );
        expect(await settledWithin(held, 0)).toBe('pending');
        waiting = [held, ...rest.slice(0, -extra)];
      });
      // Once the hold ends, every call service-a-1 took is written and answered.
      const answers = (await Promise.all(waiting)) as { eventId: string }[];
      expect(answers).toHaveLength(spillAt);
      expect(answers.every((answer) => answer.eventId !== '')).toBe(true);
    } finally {
      await supervisorctl('start', ...others);
    }
    await everyInstanceReady();
  });
});
