import { expectProblemAnswer, requestCounts } from '@calculator/proto/testing';
import { inject } from 'light-my-request';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeCalculationStore, type FakeCalculationStore } from '../db/calculation-store.fake.js';
import { createMetrics } from '../observability/metrics.js';
import { createTestHttpServer } from './http-server.fake.js';
import type { createHttpServer } from './http-server.js';

let app: ReturnType<typeof createHttpServer> | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function serve(store: FakeCalculationStore = createFakeCalculationStore(), maxStreams = 10) {
  app = createTestHttpServer({ store, maxStreams });
  return app;
}

type Answer = Awaited<ReturnType<ReturnType<typeof serve>['inject']>>;

/** The answer is an RFC 9457 problem of service-b with this status, code and field, and nothing else. */
const expectProblem = (response: Answer, status: number, code: string, field?: string) =>
  expectProblemAnswer(
    { status: response.statusCode, contentType: response.headers['content-type'], body: response.json() },
    { status, code, field, service: 'service-b' },
  );

const get = (url: string, headers: Record<string, string> = {}) =>
  (app ?? serve()).inject({ method: 'GET', url, headers });

describe('every error of the HTTP API is a problem', () => {
  it.each([
    ['a path parameter', '/v1/calculations/not-a-uuid', {}, 'eventId'],
    ['a path parameter too long', `/v1/users/${'u'.repeat(129)}/summary`, {}, 'userId'],
    ['a query parameter', '/v1/users/alice/calculations?limit=0', {}, 'limit'],
    ['a cursor', '/v1/users/alice/calculations?cursor=forged', {}, 'cursor'],
    ['a header', '/v1/stream', { 'last-event-id': 'x' }, 'last-event-id'],
  ])('400 ERR_VALIDATION naming %s', async (_case, url, headers, field) => {
    expectProblem(await get(url, headers), 400, 'ERR_VALIDATION', field);
  });

  it('400 ERR_BAD_REQUEST for a URL that does not decode', async () => {
    expect(expectProblem(await get('/v1/users/%zz/summary'), 400, 'ERR_BAD_REQUEST').detail).toMatch(/not a valid url/);
  });

  it('404 ERR_NOT_FOUND for a calculation or a user never applied', async () => {
    expectProblem(await get('/v1/calculations/019a8f3e-1c2b-7d4e-8f00-123456789abc'), 404, 'ERR_NOT_FOUND');
    expect(expectProblem(await get('/v1/users/nobody/summary'), 404, 'ERR_NOT_FOUND').detail).toBe(
      'user nobody not found',
    );
  });

  it('404 ERR_ROUTE_NOT_FOUND for a route the API does not have', async () => {
    expect(expectProblem(await get('/v1/nothing?x=1'), 404, 'ERR_ROUTE_NOT_FOUND').detail).toBe(
      'no route GET /v1/nothing',
    );
  });

  it('414 ERR_URI_TOO_LONG for a user id longer than the router takes', async () => {
    expectProblem(await get(`/v1/users/${'u'.repeat(385)}/summary`), 414, 'ERR_URI_TOO_LONG');
  });

  it('500 ERR_INTERNAL without the cause when the database fails', async () => {
    const store = createFakeCalculationStore();
    store.failNextReads(1);
    serve(store);
    expect(expectProblem(await get('/v1/users/alice/summary'), 500, 'ERR_INTERNAL').detail).toBe('internal error');
  });

  it('503 ERR_TOO_MANY_STREAMS when no stream slot is free', async () => {
    serve(createFakeCalculationStore(), 0);
    expectProblem(await get('/v1/stream'), 503, 'ERR_TOO_MANY_STREAMS');
  });

  it('503 ERR_SHUTTING_DOWN to a request arriving while the instance closes', async () => {
    const server = serve();
    await server.ready();
    const closed = server.close();
    await new Promise((resolve) => setImmediate(resolve));
    // inject refuses a closing instance outright; a request on a kept-alive connection still reaches the router.
    const late = await inject(server.routing, { method: 'GET', url: '/v1/users/alice/summary' });
    await closed;
    app = undefined;
    expectProblem(late, 503, 'ERR_SHUTTING_DOWN');
  });
});

describe('http_server_request_duration_seconds', () => {
  it('counts each answer by method, route pattern and status, with no route as unmatched, and leaves scrapes, probes and open streams out', async () => {
    const store = createFakeCalculationStore();
    const [calculation] = store.add('alice');
    const metrics = createMetrics();
    app = createTestHttpServer({ store, metrics });
    expect((await get(`/v1/calculations/${calculation?.eventId}`)).statusCode).toBe(200);
    expect((await get('/v1/users/alice/calculations?limit=5')).statusCode).toBe(200);
    expect((await get('/v1/users/bob/calculations')).statusCode).toBe(200);
    expect((await get('/v1/users/bob/summary')).statusCode).toBe(404);
    expect((await get('/v1/users/alice/calculations?limit=0')).statusCode).toBe(400);
    expect((await get('/v1/nowhere/9f2c?x=1')).statusCode).toBe(404);
    expect((await get('/v1/stream', { 'last-event-id': 'x' })).statusCode).toBe(400);
    for (const url of ['/metrics', '/healthz', '/readyz']) expect((await get(url)).statusCode).toBe(200);
    const stream = await app.inject({ method: 'GET', url: '/v1/users/alice/stream', payloadAsStream: true });
    expect(stream.statusCode).toBe(200);
    const ended = new Promise((resolve) => stream.stream().on('end', resolve).resume());
    await app.close();
    await ended;
    app = undefined;
    expect(await requestCounts(metrics.httpRequestDuration)).toEqual({
      'GET /v1/calculations/:eventId 200': 1,
      'GET /v1/users/:userId/calculations 200': 2,
      'GET /v1/users/:userId/summary 404': 1,
      'GET /v1/users/:userId/calculations 400': 1,
      'GET unmatched 404': 1,
      'GET /v1/stream 400': 1,
    });
  });
});
