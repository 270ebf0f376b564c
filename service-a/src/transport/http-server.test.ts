import { expectProblemAnswer, requestCounts } from '@calculator/proto/testing';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { inject } from 'light-my-request';
import { afterEach, describe, expect, it } from 'vitest';
import type { Calculator } from '../calculator.js';
import { calculateSum } from '../domain/calculate-sum.js';
import { OutboxUnavailableError, OverloadedError, RequestIdReusedError, WritesPausedError } from '../errors.js';
import { createFakeMetrics } from '../observability/metrics.fake.js';
import type { Metrics } from '../observability/metrics.js';
import { createTestHttpServer } from './http-server.fake.js';
import type { createHttpServer } from './http-server.js';

const spans = new InMemorySpanExporter();
const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }).getTracer('test');

let app: ReturnType<typeof createHttpServer> | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The calculator validates as the real one does, then answers 3 or fails as asked. */
function serve(
  options: {
    calculateSum?: Calculator['calculateSum'];
    notReadyReasons?: () => string[];
    bodyLimitBytes?: number;
    metrics?: Metrics;
  } = {},
) {
  const calculator: Calculator = {
    calculateSum:
      options.calculateSum ??
      (async (input) => {
        calculateSum(input);
        return { sum: 3, eventId: 'e1', replayed: false };
      }),
    calculateSums: async () => [],
  };
  const { calculateSum: _calculateSum, ...named } = options;
  app = createTestHttpServer({ ...named, calculator, tracer });
  return app;
}

const good = { userId: 'alice', operands: [1, 2], requestId: 'r-1' };

const post = (server: ReturnType<typeof serve>, payload: unknown = good, contentType = 'application/json') =>
  server.inject({
    method: 'POST',
    url: '/v1/sum',
    headers: { 'content-type': contentType },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

/** The answer is an RFC 9457 problem of service-a with this status, code and field, and nothing else. */
const expectProblem = (response: Awaited<ReturnType<typeof post>>, status: number, code: string, field?: string) =>
  expectProblemAnswer(
    { status: response.statusCode, contentType: response.headers['content-type'], body: response.json() },
    { status, code, field, service: 'service-a' },
  );

describe('HTTP server spans', () => {
  const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it("opens a server span per POST /v1/sum under the caller's traceparent, the calculation's parent", async () => {
    spans.reset();
    let parentSpanId: string | undefined;
    const app = serve({
      calculateSum: async (_input, context) => {
        parentSpanId = trace.getSpanContext(context.trace)?.spanId;
        return { sum: 3, eventId: 'e1', replayed: false };
      },
    });
    await app.inject({
      method: 'POST',
      url: '/v1/sum',
      headers: { traceparent: CALLER },
      payload: { userId: 'alice', operands: [1, 2] },
    });
    const [span] = spans.getFinishedSpans();
    expect(span?.name).toBe('POST /v1/sum');
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span?.attributes['http.response.status_code']).toBe(200);
    expect(parentSpanId).toBe(span?.spanContext().spanId);
  });

  it('records refused input and failures with their status, failures as errors', async () => {
    spans.reset();
    await serve().inject({ method: 'POST', url: '/v1/sum', payload: { userId: 'alice' } });
    await serve({ calculateSum: () => Promise.reject(new WritesPausedError('paused')) }).inject({
      method: 'POST',
      url: '/v1/sum',
      payload: { userId: 'alice', operands: [1] },
    });
    const [refused, failed] = spans.getFinishedSpans();
    expect(refused?.attributes['http.response.status_code']).toBe(400);
    expect(refused?.status.code).toBe(SpanStatusCode.UNSET);
    expect(failed?.attributes['http.response.status_code']).toBe(503);
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe('POST /v1/sum', () => {
  it('answers 200 with the sum and the event id', async () => {
    const response = await post(serve());
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({ sum: 3, eventId: 'e1' });
  });

  it.each([
    ['a missing property', { operands: [1] }, 'userId', "body must have required property 'userId'"],
    ['a missing operands', { userId: 'alice' }, 'operands', "body must have required property 'operands'"],
    ['a string operand', { userId: 'alice', operands: ['1'] }, 'operands', 'body/operands/0 must be number'],
    ['operands not an array', { userId: 'alice', operands: 1 }, 'operands', 'body/operands must be array'],
    ['a number as user id', { userId: 42, operands: [1] }, 'userId', 'body/userId must be string'],
    ['a number as request id', { ...good, requestId: 7 }, 'requestId', 'body/requestId must be string'],
    [
      '1e999 (Infinity once parsed)',
      '{"userId":"alice","operands":[1e999]}',
      'operands',
      'body/operands/0 must be number',
    ],
  ])('answers 400 INVALID_ARGUMENT naming the field for the schema: %s', async (_case, payload, field, detail) => {
    const problem = expectProblem(await post(serve(), payload), 400, 'INVALID_ARGUMENT', field);
    expect(problem.detail).toBe(detail);
  });

  it.each([
    ['a user id with a space', { userId: 'a b', operands: [1] }, 'userId', /^userId: only letters/],
    ['an empty user id', { userId: '', operands: [1] }, 'userId', /^userId: is required$/],
    ['a request id too long', { ...good, requestId: 'r'.repeat(129) }, 'requestId', /^requestId: at most 128/],
    ['too many operands', { userId: 'a', operands: new Array(10_001).fill(0) }, 'operands', /^operands: at most/],
    [
      'a sum that overflows',
      { userId: 'a', operands: [Number.MAX_VALUE, Number.MAX_VALUE] },
      'operands',
      /^operands: the sum overflows$/,
    ],
  ])(
    'answers 400 INVALID_ARGUMENT with the JSON name of the field for a rule: %s',
    async (_case, payload, field, detail) => {
      expect(expectProblem(await post(serve(), payload), 400, 'INVALID_ARGUMENT', field).detail).toMatch(detail);
    },
  );

  it.each([
    ['malformed JSON', '{"userId": "a", "operands": [1', /not valid JSON/],
    ['an empty body', '', /cannot be empty/],
    ['a __proto__ key', '{"userId": "a", "operands": [1], "__proto__": {"admin": true}}', /not valid JSON/],
  ])('answers 400 MALFORMED_JSON without a field for %s', async (_case, payload, detail) => {
    expect(expectProblem(await post(serve(), payload), 400, 'MALFORMED_JSON').detail).toMatch(detail);
  });

  it('answers 400 INVALID_ARGUMENT without a field for a text body, which is no object', async () => {
    const problem = expectProblem(await post(serve(), JSON.stringify(good), 'text/plain'), 400, 'INVALID_ARGUMENT');
    expect(problem.detail).toBe('body must be object');
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over the limit', async () => {
    const response = await post(serve({ bodyLimitBytes: 1024 }), { userId: 'alice', operands: new Array(600).fill(1) });
    expect(expectProblem(response, 413, 'PAYLOAD_TOO_LARGE').detail).toBe('Request body is too large');
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE for a media type it has no parser for', async () => {
    expectProblem(await post(serve(), '<sum/>', 'application/xml'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 422 REQUEST_ID_REUSED naming requestId as sent', async () => {
    const response = await post(serve({ calculateSum: () => Promise.reject(new RequestIdReusedError('r-1')) }));
    const problem = expectProblem(response, 422, 'REQUEST_ID_REUSED', 'requestId');
    expect(problem.detail).toBe(
      'requestId "r-1" was already used for a calculation with different input; send a new request_id for a new calculation',
    );
  });

  it('answers 429 OVERLOADED when the write queue is full', async () => {
    const response = await post(serve({ calculateSum: () => Promise.reject(new OverloadedError(20_000)) }));
    expect(expectProblem(response, 429, 'OVERLOADED').detail).toContain('(20000)');
  });

  it('answers 503 OUTBOX_UNAVAILABLE when the event could not be recorded, without the cause', async () => {
    const failed = new OutboxUnavailableError(new Error('connection refused to 10.0.0.7'));
    const problem = expectProblem(
      await post(serve({ calculateSum: () => Promise.reject(failed) })),
      503,
      'OUTBOX_UNAVAILABLE',
    );
    expect(problem.detail).toBe('the calculation could not be recorded; retry later');
  });

  it('answers 503 WRITES_PAUSED with the reason', async () => {
    const paused = new WritesPausedError('the slot is over budget');
    const problem = expectProblem(
      await post(serve({ calculateSum: () => Promise.reject(paused) })),
      503,
      'WRITES_PAUSED',
    );
    expect(problem).toMatchObject({
      title: 'Writes paused',
      detail: 'writes are paused: the slot is over budget; retry later',
    });
  });

  it('answers 500 INTERNAL without the detail of an unexpected error', async () => {
    const response = await post(serve({ calculateSum: () => Promise.reject(new Error('secret detail')) }));
    expect(expectProblem(response, 500, 'INTERNAL').detail).toBe('internal error');
  });
});

describe('other routes', () => {
  it('answers 404 NOT_FOUND for an unknown route or method', async () => {
    const server = serve();
    expect(expectProblem(await server.inject({ method: 'GET', url: '/v1/sum' }), 404, 'NOT_FOUND').detail).toBe(
      'no route GET /v1/sum',
    );
    expectProblem(await server.inject({ method: 'GET', url: '/v2/sum?x=1' }), 404, 'NOT_FOUND');
  });

  it('answers 400 BAD_REQUEST for a URL it cannot decode', async () => {
    expectProblem(await serve().inject({ method: 'GET', url: '/%zz' }), 400, 'BAD_REQUEST');
  });

  it('answers 503 SHUTTING_DOWN to a request arriving while the instance closes', async () => {
    let finish: (value: { sum: number; eventId: string; replayed: boolean }) => void = () => {};
    const server = serve({ calculateSum: () => new Promise((resolve) => (finish = resolve)) });
    await server.ready();
    const inFlight = post(server);
    await new Promise((resolve) => setImmediate(resolve));
    const closed = server.close();
    await new Promise((resolve) => setImmediate(resolve));
    // inject refuses a closing instance outright; a request on a kept-alive connection still reaches the router.
    const late = await inject(server.routing, { method: 'POST', url: '/v1/sum', payload: good });
    finish({ sum: 3, eventId: 'e1', replayed: false });
    expect((await inFlight).statusCode).toBe(200);
    await closed;
    expectProblem(late, 503, 'SHUTTING_DOWN');
  });

  it('answers /readyz 200 when nothing holds the instance back', async () => {
    const response = await serve().inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready' });
  });

  it('answers /readyz 503 with the reasons, while /healthz stays 200', async () => {
    const server = serve({
      notReadyReasons: () => ['writes are paused: replication slot "outbox_slot" does not exist'],
    });
    const ready = await server.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({
      status: 'not ready',
      reasons: ['writes are paused: replication slot "outbox_slot" does not exist'],
    });
    const health = await server.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
  });
});

describe('http_server_request_duration_seconds', () => {
  it('counts each answer by method, route pattern and status, with no route as unmatched, and leaves scrapes and probes out', async () => {
    const metrics = createFakeMetrics();
    const server = serve({ metrics });
    expect((await post(server)).statusCode).toBe(200);
    expect((await post(server)).statusCode).toBe(200);
    expect((await post(server, { ...good, userId: 'a b' })).statusCode).toBe(400);
    expect((await server.inject({ method: 'GET', url: '/v1/nowhere/at-all?x=1' })).statusCode).toBe(404);
    for (const url of ['/metrics', '/healthz', '/readyz']) {
      expect((await server.inject({ method: 'GET', url })).statusCode).toBe(200);
    }
    expect(await requestCounts(metrics.httpRequestDuration)).toEqual({
      'POST /v1/sum 200': 2,
      'POST /v1/sum 400': 1,
      'GET unmatched 404': 1,
    });
  });

  it('times the request until its answer, in seconds', async () => {
    const metrics = createFakeMetrics();
    const server = serve({
      metrics,
      calculateSum: async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return { sum: 3, eventId: 'e1', replayed: false };
      },
    });
    await post(server);
    const { values } = await metrics.httpRequestDuration.get();
    const sum = values.find((value) => value.metricName === 'http_server_request_duration_seconds_sum');
    expect(sum?.value).toBeGreaterThanOrEqual(0.025);
    expect(sum?.value).toBeLessThan(1);
    const bucket = (le: number) =>
      values.find(
        (value) =>
          value.metricName === 'http_server_request_duration_seconds_bucket' &&
          (value.labels as { le?: number }).le === le,
      )?.value;
    expect([bucket(0.025), bucket(2.5)]).toEqual([0, 1]);
  });
});
