import { AbortError } from 'abort-controller-x';
import { type CallContext, ServerError, Status } from 'nice-grpc';
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
  const middleware = grpcMiddleware(metrics, logger);

  /** Runs one unary call through the middleware with `handler` as the implementation. */
  async function call(handler: () => Promise<unknown>): Promise<unknown> {
    const serverCall = {
      method: { path: METHOD, requestStream: false, responseStream: false, options: {} },
      requestStream: false as const,
      request: { userId: 'alice', requestId: 'r-1' },
      responseStream: false as const,
      // biome-ignore lint/correctness/useYield: a unary handler returns its one message
      next: async function* () {
        return await handler();
      },
    };
    const iterator = middleware(serverCall as never, {} as CallContext);
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

  return { call, handled, timed, logs };
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
});
