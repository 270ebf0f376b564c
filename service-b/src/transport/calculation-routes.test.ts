import { sumRules } from '@calculator/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeCalculationStore, type FakeCalculationStore } from '../db/calculation-store.fake.js';
import type { Calculation } from '../db/calculation-store.js';
import { createTestHttpServer } from './http-server.fake.js';
import type { createHttpServer } from './http-server.js';
import { pageCursor } from './page-cursor.js';

let app: ReturnType<typeof createHttpServer> | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function serve(store: FakeCalculationStore = createFakeCalculationStore()) {
  app = createTestHttpServer({ store });
  return app;
}

interface Page {
  items: Calculation[];
  nextCursor: string | null;
}

async function getPage(url: string): Promise<Page> {
  const response = await (app ?? serve()).inject({ method: 'GET', url });
  expect(response.statusCode).toBe(200);
  return response.json<Page>();
}

describe('GET /v1/calculations/:eventId', () => {
  it('answers the calculation, whatever the case of the id', async () => {
    const store = createFakeCalculationStore();
    const [calculation] = store.add('alice');
    const response = await serve(store).inject({
      method: 'GET',
      url: `/v1/calculations/${calculation?.eventId.toUpperCase()}`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(calculation);
  });

  it('answers 404 with a coded error for an id never applied', async () => {
    const response = await serve().inject({
      method: 'GET',
      url: '/v1/calculations/019a8f3e-1c2b-7d4e-8f00-123456789abc',
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toEqual({
      type: 'urn:calculator:service-b:not-found',
      title: 'Not found',
      status: 404,
      detail: 'calculation 019a8f3e-1c2b-7d4e-8f00-123456789abc not found',
      code: 'ERR_NOT_FOUND',
    });
  });

  it('answers 400 for an id that is not a UUID', async () => {
    const response = await serve().inject({ method: 'GET', url: '/v1/calculations/nope' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ status: 400, code: 'ERR_VALIDATION', field: 'eventId' });
  });
});

describe('GET /v1/users/:userId/summary', () => {
  it("answers the user's count and total", async () => {
    const store = createFakeCalculationStore();
    store.add('alice', 2);
    const response = await serve(store).inject({ method: 'GET', url: '/v1/users/alice/summary' });
    expect(response.json()).toEqual({ userId: 'alice', calculationCount: 2, total: 5 });
  });

  it('answers 500 ERR_INTERNAL without the cause when the database fails', async () => {
    const store = createFakeCalculationStore();
    store.failNextReads(1);
    const response = await serve(store).inject({ method: 'GET', url: '/v1/users/alice/summary' });
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toEqual({
      type: 'urn:calculator:service-b:internal',
      title: 'Internal error',
      status: 500,
      detail: 'internal error',
      code: 'ERR_INTERNAL',
    });
  });

  it('answers 404 for a user without calculations', async () => {
    const response = await serve().inject({ method: 'GET', url: '/v1/users/nobody/summary' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ status: 404, code: 'ERR_NOT_FOUND', detail: 'user nobody not found' });
  });
});

describe('GET /v1/users/:userId/calculations', () => {
  it("pages through a user's calculations newest first; the cursors round-trip", async () => {
    const store = createFakeCalculationStore();
    store.add('alice', 3);
    store.add('bob', 2);
    store.add('alice', 4);
    serve(store);
    const seen: string[] = [];
    let url: string | undefined = '/v1/users/alice/calculations?limit=3';
    const pageSizes: number[] = [];
    while (url !== undefined) {
      const page: Page = await getPage(url);
      pageSizes.push(page.items.length);
      seen.push(...page.items.map((item) => item.seq));
      url = page.nextCursor === null ? undefined : `/v1/users/alice/calculations?limit=3&cursor=${page.nextCursor}`;
    }
    expect(pageSizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(['9', '8', '7', '6', '3', '2', '1']);
  });

  it('keeps its pages when calculations arrive between them', async () => {
    const store = createFakeCalculationStore();
    store.add('alice', 4);
    serve(store);
    const first = await getPage('/v1/users/alice/calculations?limit=2');
    store.add('alice', 3);
    const second = await getPage(`/v1/users/alice/calculations?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((item) => item.seq)).toEqual(['2', '1']);
    expect(second.nextCursor).toBeNull();
  });

  it('ends with a null cursor when the last page is exactly full', async () => {
    const store = createFakeCalculationStore();
    store.add('alice', 2);
    serve(store);
    expect((await getPage('/v1/users/alice/calculations?limit=2')).nextCursor).toBeNull();
  });

  it('serialises every field of a calculation', async () => {
    const store = createFakeCalculationStore();
    const added = store.add('alice', 2);
    serve(store);
    expect((await getPage('/v1/users/alice/calculations')).items).toEqual([...added].reverse());
  });

  it('answers 50 by default and up to 500', async () => {
    const store = createFakeCalculationStore();
    store.add('alice', 501);
    serve(store);
    const byDefault = await getPage('/v1/users/alice/calculations');
    expect(byDefault.items).toHaveLength(50);
    expect(byDefault.nextCursor).toBe(pageCursor.encode('452'));
    expect((await getPage('/v1/users/alice/calculations?limit=500')).items).toHaveLength(500);
  });

  it('answers an unknown user with no items', async () => {
    expect(await getPage('/v1/users/nobody/calculations')).toEqual({ items: [], nextCursor: null });
  });

  it.each([['0'], ['501'], ['-1'], ['1.5'], ['ten']])('answers 400 naming the field for limit=%s', async (limit) => {
    const response = await serve().inject({ method: 'GET', url: `/v1/users/alice/calculations?limit=${limit}` });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body).toMatchObject({ status: 400, code: 'ERR_VALIDATION', field: 'limit' });
    expect(body.detail).toMatch(/^querystring\/limit /);
  });

  it.each([
    ['garbage', 'not*a*cursor'],
    ['base64url of something else', Buffer.from('{"seq":1}').toString('base64url')],
    ['an over-long cursor', 'A'.repeat(65)],
  ])('answers 400 naming the field for a cursor that is %s', async (_case, cursor) => {
    const response = await serve().inject({ method: 'GET', url: `/v1/users/alice/calculations?cursor=${cursor}` });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body).toMatchObject({ status: 400, code: 'ERR_VALIDATION', field: 'cursor' });
    expect(body.detail).toMatch(/^querystring\/cursor /);
  });
});

describe('user ids as long as service-a accepts', () => {
  const longest = 'u'.repeat(sumRules.maxUserIdLength);

  it('reaches the user routes with a 128-character id, not a 414', async () => {
    const store = createFakeCalculationStore();
    store.add(longest, 2);
    serve(store);
    const summary = await app?.inject({ method: 'GET', url: `/v1/users/${longest}/summary` });
    expect(summary?.statusCode).toBe(200);
    expect(summary?.json()).toMatchObject({ userId: longest, calculationCount: 2 });
    expect((await getPage(`/v1/users/${longest}/calculations`)).items).toHaveLength(2);
  });

  it('takes the longest id with every character percent-encoded', async () => {
    const colons = ':'.repeat(sumRules.maxUserIdLength);
    const store = createFakeCalculationStore();
    store.add(colons);
    const response = await serve(store).inject({
      method: 'GET',
      url: `/v1/users/${'%3A'.repeat(sumRules.maxUserIdLength)}/summary`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ userId: colons });
  });

  it('answers 400 naming the field, not 414, for an id longer than service-a accepts', async () => {
    const response = await serve().inject({ method: 'GET', url: `/v1/users/${longest}u/summary` });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'ERR_VALIDATION', field: 'userId' });
    expect(response.json().detail).toMatch(/^params\/userId /);
  });
});
