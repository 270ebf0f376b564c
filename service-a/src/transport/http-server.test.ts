import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Calculator } from '../calculator.js';
import { RequestIdReusedError, WritesPausedError } from '../errors.js';
import { createHttpServer } from './http-server.js';

const spans = new InMemorySpanExporter();
const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }).getTracer('test');

function serve(options: { calculateSum?: Calculator['calculateSum']; notReadyReasons?: () => string[] } = {}) {
  const calculator: Calculator = {
    calculateSum: options.calculateSum ?? (async () => ({ sum: 3, eventId: 'e1', replayed: false })),
    calculateSums: async () => [],
  };
  return createHttpServer({
    calculator,
    registry: new Registry(),
    notReadyReasons: options.notReadyReasons ?? (() => []),
    logger: pino({ level: 'silent' }),
    bodyLimitBytes: 1_048_576,
    tracer,
  });
}

const sum = (app: ReturnType<typeof serve>) =>
  app.inject({ method: 'POST', url: '/v1/sum', payload: { userId: 'alice', operands: [1, 2], requestId: 'r-1' } });

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

describe('HTTP server', () => {
  it('answers /readyz 200 when nothing holds the instance back', async () => {
    const app = serve();
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready' });
    await app.close();
  });

  it('answers /readyz 503 with the reasons, while /healthz stays 200', async () => {
    const app = serve({ notReadyReasons: () => ['writes are paused: replication slot "outbox_slot" does not exist'] });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({
      status: 'not ready',
      reasons: ['writes are paused: replication slot "outbox_slot" does not exist'],
    });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });

  it('answers a reused request id with 422 and its code', async () => {
    const app = serve({ calculateSum: () => Promise.reject(new RequestIdReusedError('r-1')) });
    const response = await sum(app);
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'REQUEST_ID_REUSED', message: expect.stringContaining('"r-1"') });
    await app.close();
  });

  it('answers paused writes with 503 and the reason', async () => {
    const app = serve({ calculateSum: () => Promise.reject(new WritesPausedError('the slot is over budget')) });
    const response = await sum(app);
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      code: 'WRITES_PAUSED',
      message: 'writes are paused: the slot is over budget; retry later',
    });
    await app.close();
  });
});
