import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { AbortError } from 'abort-controller-x';
import { type CallContext, Metadata, ServerError, Status } from 'nice-grpc';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OutboxUnavailableError } from '../errors.js';
import { createMetrics } from '../observability/metrics.js';
import { grpcMiddleware } from './grpc-middleware.js';

const METHOD = '/calculator.v1.CalculatorService/CalculateSum';

function setUp() {
  const metrics = createMetrics('test', {
    queuedRows: () => 0,
    pool: () => ({ total: 0, idle: 0, waiting: 0 }),
    slot: { name: 'outbox_slot', retainedWalBytes: () => null, writesPaused: () => false },
  });
  const logs: { level: number; msg: string; requestId?: string; method?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const spans = new InMemorySpanExporter();
  const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }).getTracer(
    'test',
  );
  const middleware = grpcMiddleware(metrics, logger, tracer);

  /** Runs one unary call through the middleware with `handler` as the implementation. */
  async function call(
    handler: (context: { trace: unknown }) => Promise<unknown>,
    metadata = Metadata(),
  ): Promise<unknown> {
    const serverCall = {
      method: { path: METHOD, requestStream: false, responseStream: false, options: {} },
      requestStream: false as const,
      request: { userId: 'alice', requestId: 'r-1' },
      responseStream: false as const,
      // biome-ignore lint/correctness/useYield: a unary handler returns its one message
      next: async function* (_request: unknown, context: { trace: unknown }) {
        return await handler(context);
      },
    };
    const iterator = middleware(serverCall as never, { metadata } as CallContext);
    return (await iterator.next()).value;
  }

  async function handled(code: string): Promise<number> {
    const { values } = await metrics.rpcHandled.get();
    return values.find((v) => v.labels.method === METHOD && v.labels.code === code)?.value ?? 0;
  }

  async function timed(code: string): Promise<number> {
    const { values } = await metrics.rpcDuration.get();
    const count = values.find(
      (v) =>
        v.metricName === 'grpc_server_handling_seconds_count' && v.labels.code === code && v.labels.method === METHOD,
    );
    return count?.value ?? 0;
  }

  return { call, handled, timed, logs, spans };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error,
  );
}

describe('grpcMiddleware', () => {
  it('passes the answer through and counts and times the call as OK', async () => {
    const { call, handled, timed, logs } = setUp();
    expect(await call(async () => ({ sum: 3 }))).toEqual({ sum: 3 });
    expect(await handled('OK')).toBe(1);
    expect(await timed('OK')).toBe(1);
    expect(logs).toEqual([]);
  });

  it('maps a client error to its status without logging it', async () => {
    const { call, handled, logs } = setUp();
    const error = await rejection(call(() => Promise.reject(new InvalidArgumentError('user_id', 'is required'))));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ code: Status.INVALID_ARGUMENT, details: 'user_id: is required' });
    expect(await handled('INVALID_ARGUMENT')).toBe(1);
    expect(logs).toEqual([]);
  });

  it('maps an unavailable outbox to UNAVAILABLE, logged once as a warning with the request id', async () => {
    const { call, handled, logs } = setUp();
    const error = await rejection(call(() => Promise.reject(new OutboxUnavailableError(new Error('down')))));
    expect(error).toMatchObject({ code: Status.UNAVAILABLE });
    expect(await handled('UNAVAILABLE')).toBe(1);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ level: 40, requestId: 'r-1', method: METHOD });
  });

  it('hides an unexpected error behind INTERNAL and logs it as an error', async () => {
    const { call, handled, logs } = setUp();
    const error = await rejection(call(() => Promise.reject(new TypeError('bug'))));
    expect(error).toMatchObject({ code: Status.INTERNAL, details: 'internal error' });
    expect(await handled('INTERNAL')).toBe(1);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ level: 50, msg: 'internal error' });
  });

  it('lets ServerErrors and aborts through unchanged, counting an abort as CANCELLED', async () => {
    const { call, handled, logs } = setUp();
    const own = new ServerError(Status.NOT_FOUND, 'nope');
    expect(await rejection(call(() => Promise.reject(own)))).toBe(own);
    expect(await handled('NOT_FOUND')).toBe(1);
    const abort = new AbortError();
    expect(await rejection(call(() => Promise.reject(abort)))).toBe(abort);
    expect(await handled('CANCELLED')).toBe(1);
    expect(logs).toEqual([]);
  });

  it("opens a server span under the caller's traceparent metadata and hands it to the handler", async () => {
    const { call, spans } = setUp();
    let handedSpanId: string | undefined;
    const metadata = Metadata({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    await call(async (context) => {
      handedSpanId = trace.getSpanContext(context.trace as never)?.spanId;
      return { sum: 1 };
    }, metadata);
    const [span] = spans.getFinishedSpans();
    expect(span?.name).toBe('calculator.v1.CalculatorService/CalculateSum');
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span?.attributes).toMatchObject({
      'rpc.system': 'grpc',
      'rpc.method': 'CalculateSum',
      'rpc.grpc.status_code': 0,
    });
    expect(handedSpanId).toBe(span?.spanContext().spanId);
  });

  it('starts a new trace without a traceparent and marks a failed call on its span', async () => {
    const { call, spans } = setUp();
    await rejection(call(() => Promise.reject(new OutboxUnavailableError(new Error('down')))));
    const [span] = spans.getFinishedSpans();
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.attributes['rpc.grpc.status_code']).toBe(Status.UNAVAILABLE);
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
  });
});
