import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { calculatorClient, freshUserId, metricSamples, stack } from './stack.js';

const { client, close } = calculatorClient();
afterAll(() => close());

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

describe.runIf(stack.serviceASpillAt > 0 && stack.serviceAInstances > 1)('nginx packs calls on service-a-1', () => {
  it('sends every call to service-a-1 while it has room', async () => {
    const before = [await answeredBy(1), await answeredBy(2)];
    for (let i = 0; i < 20; i++) await client.calculateSum({ userId: freshUserId('packed'), operands: [i] });
    expect((await answeredBy(1)) - (before[0] as number)).toBe(20);
    expect((await answeredBy(2)) - (before[1] as number)).toBe(0);
  });

  it('spills to the next instance once service-a-1 holds SERVICE_A_SPILL_AT calls, and loses none', async () => {
    // A request key held by an open transaction: service-a-1's group commit for a call reusing it
    // waits on that row, and every call sent after it waits in service-a-1 behind that commit.
    const { host, port, databases, roles } = stack.postgres;
    const holder = new pg.Client({ host, port, database: databases.calculator, ...roles.serviceA });
    await holder.connect();
    const userId = freshUserId('spill');
    const spillAt = stack.serviceASpillAt;
    try {
      await holder.query('BEGIN');
      await holder.query(
        `INSERT INTO request_keys (user_id, request_id, event_id, sum) VALUES ($1, 'held', gen_random_uuid(), 1)`,
        [userId],
      );
      const before2 = await answeredBy(2);
      const held = client.calculateSum({ userId, operands: [1], requestId: 'held' });
      expect(await settledWithin(held, 300)).toBe('pending');
      // spillAt - 1 more fill service-a-1; the extra ones can only go to service-a-2.
      const extra = 8;
      const others = Array.from({ length: spillAt - 1 + extra }, (_, i) =>
        client.calculateSum({ userId: freshUserId('spill-other'), operands: [i] }),
      );
      // service-a-2 answers the extra calls while service-a-1 is still held.
      const deadline = Date.now() + 3000;
      while ((await answeredBy(2)) - before2 < extra && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await answeredBy(2)) - before2).toBe(extra);
      expect(await settledWithin(held, 0)).toBe('pending');

      await holder.query('ROLLBACK');
      const answers = await Promise.all([held, ...others]);
      expect(answers).toHaveLength(spillAt + extra);
      expect(answers.every((answer) => answer.eventId !== '')).toBe(true);
      expect(answers[0]?.sum).toBe(1);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  });
});
