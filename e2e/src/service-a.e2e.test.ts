import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { CalculatorServiceDefinition } from '@calculator/proto';
import { ClientError, createChannel, createClient, Status } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWithRetries } from './load-with-retries.js';
import { expectEveryAcceptedCallOnce, expectSettledSummary } from './reconcile.js';
import { calculatorClient, eventually, freshUserId, stack, supervisorctl } from './stack.js';

const { client, close } = calculatorClient();
const instanceChannels = [1, 2].map((i) => createChannel(stack.serviceAAddress(i)));
const [instance1, instance2] = instanceChannels.map((channel) => createClient(CalculatorServiceDefinition, channel));
afterAll(() => {
  close();
  for (const channel of instanceChannels) channel.close();
});

async function rejection(call: Promise<unknown>): Promise<ClientError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ClientError)) throw new Error(`expected a gRPC error, got ${String(error)}`);
  return error;
}

/** A rejected call for `userId` wrote nothing: one good call afterwards is the user's only calculation. */
async function expectNothingWrittenFor(userId: string) {
  await client.calculateSum({ userId, operands: [1] });
  await expectSettledSummary(userId, 1, 1);
}

describe('CalculateSum input rules (through nginx)', () => {
  it('refuses a non-finite operand, naming it', async () => {
    const userId = freshUserId('rule-nan');
    const error = await rejection(client.calculateSum({ userId, operands: [1, Number.NaN] }));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.details).toBe('operands[1]: must be a finite number');
    await expectNothingWrittenFor(userId);
  });

  it('refuses a sum that overflows', async () => {
    const userId = freshUserId('rule-overflow');
    const error = await rejection(client.calculateSum({ userId, operands: [Number.MAX_VALUE, Number.MAX_VALUE] }));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.details).toBe('operands: the sum overflows');
    await expectNothingWrittenFor(userId);
  });

  it('requires a user id', async () => {
    const error = await rejection(client.calculateSum({ userId: '', operands: [1] }));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.details).toBe('user_id: is required');
  });

  it('bounds the user id length', async () => {
    const error = await rejection(client.calculateSum({ userId: 'u'.repeat(129), operands: [1] }));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.details).toBe('user_id: at most 128 characters');
  });

  it('bounds the user id character set', async () => {
    const error = await rejection(client.calculateSum({ userId: 'alice smith', operands: [1] }));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.details).toMatch(/^user_id: only letters, digits/);
  });

  it('bounds the number of operands', async () => {
    const userId = freshUserId('rule-many');
    const error = await rejection(client.calculateSum({ userId, operands: new Array(10_001).fill(1) }));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.details).toBe('operands: at most 10000 numbers');
    await expectNothingWrittenFor(userId);
  });

  it('refuses a message over the 1 MiB size limit', async () => {
    const userId = freshUserId('rule-size');
    const error = await rejection(client.calculateSum({ userId, operands: new Array(140_000).fill(0.5) }));
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
    await expectNothingWrittenFor(userId);
  });
});

describe('idempotency', () => {
  it('answers a retry with the same request_id with the same sum and event id, writing one event', async () => {
    const userId = freshUserId('idem');
    const request = { userId, operands: [4, 5], requestId: 'retry-1' };
    const first = await client.calculateSum(request);
    const second = await client.calculateSum(request);
    expect(second).toEqual(first);
    await expectSettledSummary(userId, 1, 9);
  });

  it('writes one event when two instances race on the same request_id', async () => {
    const userId = freshUserId('race');
    for (let round = 0; round < 5; round++) {
      const request = { userId, operands: [round, 10], requestId: `race-${round}` };
      const [a, b] = await Promise.all([instance1?.calculateSum(request), instance2?.calculateSum(request)]);
      expect(a).toEqual(b);
    }
    await expectSettledSummary(userId, 5, 0 + 1 + 2 + 3 + 4 + 50);
  });
});

describe('CalculateSums (batch)', () => {
  it('answers every item in order and records them all', async () => {
    const alice = freshUserId('batch-a');
    const bob = freshUserId('batch-b');
    const { results } = await client.calculateSums({
      items: [
        { userId: alice, operands: [1, 2] },
        { userId: bob, operands: [10] },
        { userId: alice, operands: [3], requestId: 'b-1' },
      ],
    });
    expect(results.map((r) => r.sum)).toEqual([3, 10, 3]);
    expect(new Set(results.map((r) => r.eventId)).size).toBe(3);
    await expectSettledSummary(alice, 2, 6);
    await expectSettledSummary(bob, 1, 10);
  });

  it('is atomic: one bad item fails the call and nothing is written', async () => {
    const userId = freshUserId('batch-atomic');
    const error = await rejection(
      client.calculateSums({
        items: [
          { userId, operands: [1] },
          { userId, operands: [Number.POSITIVE_INFINITY] },
        ],
      }),
    );
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.details).toBe('items[1].operands[0]: must be a finite number');
    await expectNothingWrittenFor(userId);
  });
});

describe('health, reflection and HTTP/JSON', () => {
  it('reports SERVING through grpc.health.v1', async () => {
    const channel = createChannel(stack.grpcAddress);
    const health = createClient(HealthDefinition, channel);
    expect((await health.check({ service: '' })).status).toBe(1);
    expect((await health.check({ service: 'calculator.v1.CalculatorService' })).status).toBe(1);
    channel.close();
  });

  it('lets buf curl list and call the service through nginx by server reflection', async () => {
    const buf = resolve(import.meta.dirname, '../../node_modules/.bin/buf');
    const run = promisify(execFile);
    const base = `http://${stack.grpcAddress}`;
    const list = await run(buf, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '--list-methods', base]);
    expect(list.stdout).toContain('calculator.v1.CalculatorService/CalculateSum');
    const userId = freshUserId('reflect');
    const call = await run(buf, [
      'curl',
      '--protocol',
      'grpc',
      '--http2-prior-knowledge',
      '-d',
      JSON.stringify({ userId, operands: [20, 22] }),
      `${base}/calculator.v1.CalculatorService/CalculateSum`,
    ]);
    expect(JSON.parse(call.stdout)).toMatchObject({ sum: 42 });
  });

  it('serves POST /v1/sum with the same validation and idempotency', async () => {
    const userId = freshUserId('http');
    const post = (body: unknown) =>
      fetch(`${stack.httpApiUrl}/v1/sum`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await post({ userId, operands: [2, 3], requestId: 'h-1' });
    expect(ok.status).toBe(200);
    const answer = (await ok.json()) as { sum: number; eventId: string };
    expect(answer.sum).toBe(5);
    const again = (await (await post({ userId, operands: [2, 3], requestId: 'h-1' })).json()) as typeof answer;
    expect(again).toEqual(answer);

    const bad = await post({ userId: 'a b', operands: [1] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^user_id:/) });
    const notNumbers = await post({ userId, operands: ['1'] });
    expect(notNumbers.status).toBe(400);
    await expectSettledSummary(userId, 1, 5);
  });
});

describe('failover and shutdown under load', () => {
  it('answers UNAVAILABLE when no instance is left behind nginx', async () => {
    const instances = Array.from({ length: stack.serviceAInstances }, (_, i) => `service-a-${i + 1}`);
    await supervisorctl('stop', ...instances);
    try {
      const error = await rejection(client.calculateSum({ userId: freshUserId('dead'), operands: [1] }));
      expect(error.code).toBe(Status.UNAVAILABLE);
    } finally {
      await supervisorctl('start', ...instances);
    }
    await eventually(
      'an instance to answer again',
      () => client.calculateSum({ userId: freshUserId('back'), operands: [1] }),
      30_000,
    );
  });

  it('loses no accepted call when an instance is killed (-9) under load', async () => {
    const load = loadWithRetries(client, { workers: 12, durationMs: 6000, userPrefix: freshUserId('kill') });
    await new Promise((r) => setTimeout(r, 2000));
    await supervisorctl('signal', 'KILL', 'service-a-2');
    const result = await load;
    expect(result.failures).toEqual([]);
    expect(result.accepted.size).toBeGreaterThan(100);
    await expectEveryAcceptedCallOnce(result.accepted);
  });

  it('finishes in-flight calls when an instance is stopped with SIGTERM under load', async () => {
    const load = loadWithRetries(client, { workers: 12, durationMs: 6000, userPrefix: freshUserId('term') });
    await new Promise((r) => setTimeout(r, 2000));
    await supervisorctl('stop', 'service-a-1');
    await supervisorctl('start', 'service-a-1');
    const result = await load;
    expect(result.failures).toEqual([]);
    await expectEveryAcceptedCallOnce(result.accepted);
  });
});
