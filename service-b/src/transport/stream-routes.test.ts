import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeCalculationStore, type FakeCalculationStore } from '../db/calculation-store.fake.js';
import type { Calculation } from '../db/calculation-store.js';
import type { NotificationSubscriber } from '../db/notification-listener.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { createTestHttpServer } from './http-server.fake.js';
import type { createHttpServer } from './http-server.js';

// Polls often: the default 50 ms interval would make up most of these tests' run time.
const eventually = (check: () => void) => vi.waitFor(check, { interval: 2 });

interface SseEvent {
  id: string;
  event: string;
  data: Calculation;
}

function fakeNotifications() {
  const subscribers = new Set<NotificationSubscriber>();
  return {
    subscribe(subscriber: NotificationSubscriber) {
      subscribers.add(subscriber);
      return () => subscribers.delete(subscriber);
    },
    notify(payload?: string) {
      for (const subscriber of subscribers) subscriber(payload);
    },
    get subscribers() {
      return subscribers.size;
    },
  };
}

let app: ReturnType<typeof createHttpServer> | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function serve(options: { store?: FakeCalculationStore; maxStreams?: number; keepAliveMs?: number } = {}) {
  const store = options.store ?? createFakeCalculationStore();
  const notifications = fakeNotifications();
  const metrics: Metrics = createMetrics();
  app = createTestHttpServer({
    store,
    notifications,
    metrics,
    maxStreams: options.maxStreams ?? 10,
    keepAliveMs: options.keepAliveMs ?? 60_000,
  });
  return { app, store, notifications, metrics };
}

function parse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.includes('\ndata: '))
    .map((block) => {
      const field = (name: string) =>
        block
          .split('\n')
          .find((line) => line.startsWith(`${name}: `))
          ?.slice(name.length + 2) ?? '';
      return { id: field('id'), event: field('event'), data: JSON.parse(field('data')) };
    });
}

/** Opens a stream through inject and collects what it sends until the server closes it. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  if (app === undefined) throw new Error('serve() first');
  const response = await app.inject({ method: 'GET', url, headers, payloadAsStream: true });
  const body = response.stream();
  let text = '';
  body.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const ended = new Promise<void>((resolve) => body.once('end', resolve));
  return {
    response,
    ended,
    text: () => text,
    ids: () => parse(text).map((event) => event.id),
  };
}

const seqs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

describe('GET /v1/stream', () => {
  it('answers with an event stream', async () => {
    serve();
    const stream = await openStream('/v1/stream');
    expect(stream.response.statusCode).toBe(200);
    expect(stream.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.response.headers['cache-control']).toBe('no-cache, no-transform');
  });

  it('replays every calculation after Last-Event-ID, then goes on live', async () => {
    const { store, notifications } = serve();
    store.add('alice', 3);
    store.add('bob', 2);
    const stream = await openStream('/v1/stream', { 'last-event-id': '2' });
    await eventually(() => expect(stream.ids()).toEqual(['3', '4', '5']));

    store.add('carol', 2);
    notifications.notify('7');
    await eventually(() => expect(stream.ids()).toEqual(seqs(3, 7)));
    const events = parse(stream.text());
    expect(events.every((event) => event.event === 'calculation')).toBe(true);
    expect(events.at(-1)?.data).toMatchObject({ seq: '7', userId: 'carol' });
  });

  it('starts with the next calculation applied when there is no Last-Event-ID', async () => {
    const { store, notifications } = serve();
    store.add('alice', 3);
    const stream = await openStream('/v1/stream');
    // The stream has found where "now" is (latest seq) and looked once for anything newer.
    await eventually(() => expect(store.reads).toBe(2));
    store.add('alice');
    notifications.notify('4');
    await eventually(() => expect(stream.ids()).toEqual(['4']));
    // An id of its own first, so a client reconnecting before '4' arrived would resume after '3'.
    expect(stream.text()).toMatch(/^id: 3\n\nid: 4\nevent: calculation\n/);
  });

  it('has no HEAD twin that would hold a stream slot', async () => {
    serve();
    expect((await app?.inject({ method: 'HEAD', url: '/v1/stream' }))?.statusCode).toBe(404);
  });

  it('catches up when told notifications may have been missed', async () => {
    const { store, notifications } = serve();
    const stream = await openStream('/v1/stream', { 'last-event-id': '0' });
    await eventually(() => expect(store.reads).toBe(1));
    store.add('alice', 2);
    notifications.notify(undefined);
    await eventually(() => expect(stream.ids()).toEqual(['1', '2']));
  });

  it('takes the position from ?lastEventId=, and the header over it', async () => {
    const { store } = serve();
    store.add('alice', 6);
    const fromQuery = await openStream('/v1/stream?lastEventId=4');
    const fromHeader = await openStream('/v1/stream?lastEventId=1', { 'last-event-id': '5' });
    await eventually(() => expect(fromQuery.ids()).toEqual(['5', '6']));
    await eventually(() => expect(fromHeader.ids()).toEqual(['6']));
  });

  it('replays a backlog longer than one query page in order, each calculation once', async () => {
    const { store } = serve();
    store.add('alice', 1234);
    const stream = await openStream('/v1/stream', { 'last-event-id': '0' });
    await eventually(() => expect(stream.ids()).toHaveLength(1234));
    expect(stream.ids()).toEqual(seqs(1, 1234));
  });

  it('retries a failed query and then sends what it missed', async () => {
    const { store } = serve();
    store.add('alice', 2);
    store.failNextReads(1);
    const stream = await openStream('/v1/stream', { 'last-event-id': '0' });
    await eventually(() => expect(stream.ids()).toEqual(['1', '2']));
  });

  it('sends a keep-alive comment while nothing happens', async () => {
    serve({ keepAliveMs: 10 });
    const stream = await openStream('/v1/stream');
    await eventually(() => expect(stream.text()).toContain(': keep-alive\n\n'));
  });

  it.each([
    [
      'a Last-Event-ID header that is no seq',
      '/v1/stream',
      { 'last-event-id': 'abc' },
      'last-event-id',
      /^headers\/last-event-id /,
    ],
    ['a negative ?lastEventId=', '/v1/stream?lastEventId=-1', {}, 'lastEventId', /^querystring\/lastEventId /],
    ['an empty user id', '/v1/users//stream', {}, 'userId', /^params\/userId /],
  ])('answers 400 naming the field for %s', async (_case, url, headers, field, detail) => {
    serve();
    const response = await app?.inject({ method: 'GET', url, headers });
    expect(response?.statusCode).toBe(400);
    expect(response?.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response?.json()).toMatchObject({ status: 400, code: 'ERR_VALIDATION', field });
    expect(response?.json().detail).toMatch(detail);
  });

  it('answers 503 once every stream slot is taken, and counts it', async () => {
    const { metrics } = serve({ maxStreams: 1 });
    await openStream('/v1/stream');
    const refused = await app?.inject({ method: 'GET', url: '/v1/users/alice/stream' });
    expect(refused?.statusCode).toBe(503);
    expect(refused?.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused?.json()).toEqual({
      type: 'urn:calculator:service-b:too-many-streams',
      title: 'Too many streams',
      status: 503,
      detail: 'this instance already serves its maximum of 1 streams',
      code: 'ERR_TOO_MANY_STREAMS',
    });
    expect((await metrics.streamsRejected.get()).values[0]?.value).toBe(1);
    expect((await metrics.streamsOpen.get()).values[0]?.value).toBe(1);
  });

  it('ends every stream and stops listening when the server closes', async () => {
    const { notifications, metrics } = serve();
    const streams = [await openStream('/v1/stream'), await openStream('/v1/users/alice/stream')];
    expect(notifications.subscribers).toBe(1);
    await app?.close();
    await Promise.all(streams.map((stream) => stream.ended));
    expect(notifications.subscribers).toBe(0);
    expect((await metrics.streamsOpen.get()).values[0]?.value).toBe(0);
  });
});

describe('GET /v1/users/:userId/stream', () => {
  it("sends only that user's calculations", async () => {
    const { store, notifications } = serve();
    store.add('alice', 2);
    store.add('bob', 2);
    store.add('alice');
    const stream = await openStream('/v1/users/alice/stream?lastEventId=0');
    await eventually(() => expect(stream.ids()).toEqual(['1', '2', '5']));
    store.add('bob');
    store.add('alice');
    notifications.notify('7');
    await eventually(() => expect(stream.ids()).toEqual(['1', '2', '5', '7']));
    expect(parse(stream.text()).every((event) => event.data.userId === 'alice')).toBe(true);
  });
});
