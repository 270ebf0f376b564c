import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { CalculatorServiceDefinition } from '@calculator/proto';
import { ClientError, createChannel, createClient, Status } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWithRetries } from './load-with-retries.js';
import { expectProblem } from './problem.js';
import { expectEveryAcceptedCallOnce, expectSettledSummary } from './reconcile.js';
import { calculatorClient, eventually, freshUserId, getServiceB, stack, supervisorctl } from './stack.js';

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

/**
 * A rejected call for `userId` wrote nothing: once a good call made afterwards is applied, the user
 * has exactly the calculations made before (`count`, `total`) plus that one. A user's events are
 * applied in commit order, so anything the rejected call had written would be applied by then.
 */
async function expectNothingWrittenFor(userId: string, count = 0, total = 0) {
  const { eventId } = await client.calculateSum({ userId, operands: [1] });
  await eventually(
    'the call after the rejected one applied',
    async () => ((await getServiceB(`/v1/calculations/${eventId}`)).status === 200 ? true : undefined),
    60_000,
  );
  await expectSettledSummary(userId, count + 1, total + 1);
}

/** POST /v1/sum through nginx's HTTP port, the body sent as given. */
function postSum(body: string, contentType = 'application/json') {
  return fetch(`${stack.httpApiUrl}/v1/sum`, { method: 'POST', headers: { 'content-type': contentType }, body });
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

  it('refuses a NUL character in the user id', async () => {
    const error = await rejection(client.calculateSum({ userId: 'nul\u0000user', operands: [1] }));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.details).toBe('user_id: only letters, digits and . _ : @ - are allowed');
  });

  it('bounds the request id length and character set', async () => {
    const userId = freshUserId('rule-request-id');
    const tooLong = await rejection(client.calculateSum({ userId, operands: [1], requestId: 'r'.repeat(129) }));
    expect(tooLong.code).toBe(Status.INVALID_ARGUMENT);
    expect(tooLong.details).toBe('request_id: at most 128 characters');
    const badChars = await rejection(client.calculateSum({ userId, operands: [1], requestId: 'a/b' }));
    expect(badChars.code).toBe(Status.INVALID_ARGUMENT);
    expect(badChars.details).toBe('request_id: only letters, digits and . _ : @ - are allowed');
    await expectNothingWrittenFor(userId);
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

  it('refuses a request_id reused with other operands with ALREADY_EXISTS naming it, and still replays the first answer', async () => {
    const userId = freshUserId('idem-reuse');
    const first = await client.calculateSum({ userId, operands: [2, 3], requestId: 'reuse-1' });
    // The same sum and operand count, in another order: still another calculation.
    const error = await rejection(client.calculateSum({ userId, operands: [3, 2], requestId: 'reuse-1' }));
    expect(error.code).toBe(Status.ALREADY_EXISTS);
    expect(error.details).toContain('request_id "reuse-1" was already used for a calculation with different input');
    expect(await client.calculateSum({ userId, operands: [2, 3], requestId: 'reuse-1' })).toEqual(first);
    await expectNothingWrittenFor(userId, 1, 5);
  });

  it('answers a request_id reused with other operands over HTTP with 422 REQUEST_ID_REUSED', async () => {
    const userId = freshUserId('idem-reuse-http');
    const body = (operands: number[]) => JSON.stringify({ userId, operands, requestId: 'reuse-h' });
    const ok = await postSum(body([4, 4]));
    expect(ok.status).toBe(200);
    const first = (await ok.json()) as { sum: number; eventId: string };
    const reused = await postSum(body([8]));
    const problem = await expectProblem(reused, {
      status: 422,
      code: 'REQUEST_ID_REUSED',
      field: 'requestId',
      service: 'service-a',
    });
    expect(problem.detail).toContain('requestId "reuse-h" was already used');
    const again = await postSum(body([4, 4]));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    await expectNothingWrittenFor(userId, 1, 8);
  });

  it('treats an empty request_id as none: the same call twice is two calculations', async () => {
    const userId = freshUserId('idem-empty');
    const a = await client.calculateSum({ userId, operands: [6], requestId: '' });
    const b = await client.calculateSum({ userId, operands: [6], requestId: '' });
    expect(a.eventId).not.toBe(b.eventId);
    await expectSettledSummary(userId, 2, 12);
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

describe('CalculateSums (batch) limits', () => {
  it('refuses an empty batch and one of more than 1000 items, writing nothing', async () => {
    const userId = freshUserId('batch-limits');
    const empty = await rejection(client.calculateSums({ items: [] }));
    expect(empty.code).toBe(Status.INVALID_ARGUMENT);
    expect(empty.details).toBe('items: at least one item is required');
    const items = Array.from({ length: 1001 }, () => ({ userId, operands: [1] }));
    const tooMany = await rejection(client.calculateSums({ items }));
    expect(tooMany.code).toBe(Status.INVALID_ARGUMENT);
    expect(tooMany.details).toBe('items: at most 1000 items');
    await expectNothingWrittenFor(userId);
  });

  it('refuses a batch that gives one request_id to two different items with ALREADY_EXISTS, writing none of them', async () => {
    // A batch is written as one unit, and a refused call must have recorded nothing: a client told
    // the batch failed would send its other items again.
    const userId = freshUserId('batch-reuse');
    const error = await rejection(
      client.calculateSums({
        items: [
          { userId, operands: [5], requestId: 'twice' },
          { userId, operands: [7], requestId: 'twice' },
        ],
      }),
    );
    expect(error.code).toBe(Status.ALREADY_EXISTS);
    expect(error.details).toContain('"twice"');
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
    const problem = await expectProblem(bad, {
      status: 400,
      code: 'INVALID_ARGUMENT',
      field: 'userId',
      service: 'service-a',
    });
    expect(problem.detail).toMatch(/^userId: only letters/);
    const notNumbers = await post({ userId, operands: ['1'] });
    await expectProblem(notNumbers, { status: 400, code: 'INVALID_ARGUMENT', field: 'operands', service: 'service-a' });
    await expectSettledSummary(userId, 1, 5);
  });
});

describe('POST /v1/sum input (through nginx)', () => {
  it('refuses bodies it cannot read: 415 for another media type, 400 for text, malformed or empty JSON and prototype keys', async () => {
    const userId = freshUserId('http-unreadable');
    const good = JSON.stringify({ userId, operands: [1] });
    const cases: [string, string, number, string][] = [
      [good, 'application/xml', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      // fastify reads text/plain as a string, which the body schema (an object) refuses.
      [good, 'text/plain', 400, 'INVALID_ARGUMENT'],
      ['{"userId": "a", "operands": [1', 'application/json', 400, 'MALFORMED_JSON'],
      ['', 'application/json', 400, 'MALFORMED_JSON'],
      [
        `{"userId": "${userId}", "operands": [1], "__proto__": {"admin": true}}`,
        'application/json',
        400,
        'MALFORMED_JSON',
      ],
    ];
    for (const [body, contentType, status, code] of cases) {
      // No field: none of these is about one property of the body.
      await expectProblem(await postSum(body, contentType), { status, code, service: 'service-a' });
    }
    await expectNothingWrittenFor(userId);
  });

  it('refuses what the body schema does not allow, naming the field, without coercing strings to numbers', async () => {
    const userId = freshUserId('http-schema');
    const cases: [unknown, string, RegExp][] = [
      [{ operands: [1] }, 'userId', /required property 'userId'/],
      [{ userId }, 'operands', /required property 'operands'/],
      [{ userId, operands: ['1'] }, 'operands', /operands\/0 must be number/],
      [{ userId, operands: 1 }, 'operands', /operands must be array/],
      [{ userId: 42, operands: [1] }, 'userId', /userId must be string/],
      [{ userId, operands: [1], requestId: 7 }, 'requestId', /requestId must be string/],
    ];
    const invalid = (field: string) => ({
      status: 400,
      code: 'INVALID_ARGUMENT',
      field,
      service: 'service-a' as const,
    });
    for (const [body, field, detail] of cases) {
      const problem = await expectProblem(await postSum(JSON.stringify(body)), invalid(field));
      expect(problem.detail, JSON.stringify(body)).toMatch(detail);
    }
    // JSON has no Infinity, but 1e999 parses to it; it is refused as not a (finite) number.
    const infinite = await postSum(`{"userId": "${userId}", "operands": [1e999]}`);
    expect((await expectProblem(infinite, invalid('operands'))).detail).toMatch(/operands/);
    const overflow = await postSum(JSON.stringify({ userId, operands: [Number.MAX_VALUE, Number.MAX_VALUE] }));
    expect((await expectProblem(overflow, invalid('operands'))).detail).toBe('operands: the sum overflows');
    await expectNothingWrittenFor(userId);
  });

  it('drops a field the body schema does not name and answers the call: a misspelt requestId is no idempotency key', async () => {
    const userId = freshUserId('http-extra');
    const body = JSON.stringify({ userId, operands: [3], requestID: 'typo-1' });
    const first = await postSum(body);
    expect(first.status).toBe(200);
    const second = await postSum(body);
    expect(second.status).toBe(200);
    const [a, b] = (await Promise.all([first.json(), second.json()])) as { eventId: string }[];
    expect(a?.eventId).not.toBe(b?.eventId);
    await expectSettledSummary(userId, 2, 6);
  });

  it('answers a body over the 1 MiB limit with 413', async () => {
    const userId = freshUserId('http-large');
    const body = JSON.stringify({ userId, operands: new Array(300_000).fill(0.5) });
    expect(body.length).toBeGreaterThan(1_048_576);
    const problem = await expectProblem(await postSum(body), {
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      service: 'service-a',
    });
    expect(problem.detail).toBe('Request body is too large');
    await expectNothingWrittenFor(userId);
  });
});

describe('HTTP errors as problem details (through nginx :8080)', () => {
  it("answers service-a's and nginx's own errors in one shape, and describes them at /v1/openapi.json", async () => {
    const userId = freshUserId('problems');
    const missing = await expectProblem(await postSum(JSON.stringify({ userId })), {
      status: 400,
      code: 'INVALID_ARGUMENT',
      field: 'operands',
      service: 'service-a',
    });
    expect(missing.title).toBe('Invalid argument');
    await expectProblem(await postSum('{"userId":', 'application/json'), {
      status: 400,
      code: 'MALFORMED_JSON',
      service: 'service-a',
    });
    await expectProblem(await postSum('userId=a', 'application/x-www-form-urlencoded'), {
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      service: 'service-a',
    });
    // service-a's 404 for a route under /v1/, nginx's own for anything else: the same problem.
    await expectProblem(await fetch(`${stack.httpApiUrl}/v1/sum`), {
      status: 404,
      code: 'NOT_FOUND',
      service: 'service-a',
    });
    await expectProblem(await fetch(`${stack.httpApiUrl}/sum`), {
      status: 404,
      code: 'NOT_FOUND',
      service: 'service-a',
    });
    // nginx's own 413: it never reaches an instance.
    const large = JSON.stringify({ userId, operands: new Array(300_000).fill(0.5) });
    expect(large.length).toBeGreaterThan(1_048_576);
    await expectProblem(await postSum(large), { status: 413, code: 'PAYLOAD_TOO_LARGE', service: 'service-a' });

    const openApi = await fetch(`${stack.httpApiUrl}/v1/openapi.json`);
    expect(openApi.status).toBe(200);
    const document = (await openApi.json()) as { paths: Record<string, Record<string, { responses: object }>> };
    expect(Object.keys(document.paths['/v1/sum']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['400', '413', '415', '422', '503']),
    );
    await expectNothingWrittenFor(userId);
  });
});

describe('readiness', () => {
  it('answers /readyz 200 with {"status":"ready"} on every service-a instance', async () => {
    for (let instance = 1; instance <= stack.serviceAInstances; instance++) {
      const response = await fetch(`${stack.serviceAHttpUrl(instance)}/readyz`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({ status: 'ready' });
    }
  });
});

describe('failover and shutdown under load', () => {
  it('answers UNAVAILABLE when no instance is left behind nginx', async () => {
    const instances = Array.from({ length: stack.serviceAInstances }, (_, i) => `service-a-${i + 1}`);
    await supervisorctl('stop', ...instances);
    try {
      const error = await rejection(client.calculateSum({ userId: freshUserId('dead'), operands: [1] }));
      expect(error.code).toBe(Status.UNAVAILABLE);
      // Over HTTP nginx answers itself, in service-a's problem shape.
      const http = await postSum(JSON.stringify({ userId: freshUserId('dead-http'), operands: [1] }));
      await expectProblem(http, { status: 503, code: 'SERVICE_UNAVAILABLE', service: 'service-a' });
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
    // service-a-1: the instance nginx fills first, so the one taking the calls.
    await supervisorctl('signal', 'KILL', 'service-a-1');
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
