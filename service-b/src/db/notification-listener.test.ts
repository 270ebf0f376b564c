import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createNotificationListener, type ListenClient } from './notification-listener.js';

// Polls often: the default 50 ms interval would make up most of these tests' run time.
const eventually = (check: () => void) => vi.waitFor(check, { interval: 2 });

/** Stands in for pg.Client: connects unless told to fail, records its queries, and can be dropped. */
class FakeClient extends EventEmitter implements ListenClient {
  readonly queries: string[] = [];
  ended = false;
  constructor(
    private readonly refuse: boolean,
    private readonly failListen = false,
  ) {
    super();
  }
  async connect() {
    if (this.refuse) throw new Error('connection refused');
  }
  async query(text: string) {
    this.queries.push(text);
    if (this.failListen) {
      throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    }
  }
  async end() {
    this.ended = true;
  }
  notify(channel: string, payload?: string) {
    this.emit('notification', { processId: 1, channel, payload });
  }
  drop() {
    this.emit('error', new Error('terminating connection due to administrator command'));
    this.emit('end');
  }
}

function setUp(refusals = 0, failedListens = 0) {
  const clients: FakeClient[] = [];
  const listener = createNotificationListener({
    channel: 'calculations_applied',
    connectionString: 'postgres://unused',
    logger: pino({ level: 'silent' }),
    createClient: () => {
      const client = new FakeClient(clients.length < refusals, clients.length < failedListens);
      clients.push(client);
      return client;
    },
    backoffMs: () => 1,
  });
  const received: (string | undefined)[] = [];
  listener.subscribe((payload) => received.push(payload));
  return { listener, clients, received };
}

describe('createNotificationListener', () => {
  it('LISTENs on its channel and passes on that channel’s payloads', async () => {
    const { listener, clients, received } = setUp();
    listener.start();
    await eventually(() => expect(clients[0]?.queries).toEqual(['LISTEN "calculations_applied"']));
    clients[0]?.notify('calculations_applied', '42');
    clients[0]?.notify('something_else', '7');
    expect(received).toEqual([undefined, '42']);
    await listener.close();
    expect(clients[0]?.ended).toBe(true);
  });

  it('reconnects after the connection drops, and says notifications may have been missed', async () => {
    const { listener, clients, received } = setUp();
    listener.start();
    await eventually(() => expect(clients[0]?.queries).toHaveLength(1));
    clients[0]?.drop();
    await eventually(() => expect(clients[1]?.queries).toHaveLength(1));
    expect(clients[0]?.ended).toBe(true);
    expect(received).toEqual([undefined, undefined]);
    clients[1]?.notify('calculations_applied', '43');
    expect(received.at(-1)).toBe('43');
    await listener.close();
  });

  it('keeps trying while the database refuses connections', async () => {
    const { listener, clients, received } = setUp(3);
    listener.start();
    await eventually(() => expect(clients[3]?.queries).toHaveLength(1));
    expect(received).toEqual([undefined]);
    await listener.close();
  });

  it('reconnects when the LISTEN itself fails, as when Postgres shuts down in between', async () => {
    const { listener, clients, received } = setUp(0, 2);
    listener.start();
    await eventually(() => expect(clients[2]?.queries).toEqual(['LISTEN "calculations_applied"']));
    expect(clients[0]?.ended).toBe(true);
    expect(clients[1]?.ended).toBe(true);
    expect(received).toEqual([undefined]);
    await listener.close();
  });

  it('stops passing payloads on once unsubscribed', async () => {
    const { listener, clients } = setUp();
    const late: (string | undefined)[] = [];
    const unsubscribe = listener.subscribe((payload) => late.push(payload));
    listener.start();
    await eventually(() => expect(clients[0]?.queries).toHaveLength(1));
    unsubscribe();
    clients[0]?.notify('calculations_applied', '44');
    expect(late).toEqual([undefined]);
    await listener.close();
  });
});
