import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from 'pino';

/** The part of pg.Client the listener uses, so a test can stand in for Postgres. */
export interface ListenClient {
  connect(): Promise<unknown>;
  query(text: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'notification', listener: (message: pg.Notification) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
}

/** Called with each notification's payload, and with undefined when notifications may have been missed. */
export type NotificationSubscriber = (payload: string | undefined) => void;

export interface NotificationListener {
  subscribe(subscriber: NotificationSubscriber): () => void;
  /** Connects and LISTENs in the background, reconnecting with backoff whenever the connection drops. */
  start(): void;
  close(): Promise<void>;
}

export interface NotificationListenerOptions {
  channel: string;
  connectionString: string;
  logger: Logger;
  createClient?: () => ListenClient;
  backoffMs?: (attempt: number) => number;
}

const defaultBackoffMs = (attempt: number) => Math.min(5000, 100 * 2 ** attempt);

/**
 * One dedicated connection LISTENing on `channel` for the whole process (a pooled connection would
 * lose its LISTEN when handed back). Notifications sent while it is down are lost, so every
 * (re)connect tells subscribers to look for themselves.
 */
export function createNotificationListener(options: NotificationListenerOptions): NotificationListener {
  const { channel, logger, backoffMs = defaultBackoffMs } = options;
  const createClient =
    options.createClient ??
    (() =>
      new pg.Client({
        connectionString: options.connectionString,
        // Finds a silently dropped connection (no traffic flows while nothing is applied).
        keepAlive: true,
        application_name: 'service-b-listener',
      }));
  const subscribers = new Set<NotificationSubscriber>();
  const stopping = new AbortController();
  const stopped = new Promise<void>((resolve) => stopping.signal.addEventListener('abort', () => resolve()));
  let running: Promise<void> | undefined;

  const notify = (payload: string | undefined) => {
    for (const subscriber of subscribers) {
      // Thrown here it would surface inside pg's message handling; one subscriber must not stop the others.
      try {
        subscriber(payload);
      } catch (error) {
        logger.error({ err: error, channel }, 'a notification subscriber failed');
      }
    }
  };

  async function listenOnce(): Promise<void> {
    const client = createClient();
    const lost = new Promise<Error | undefined>((resolve) => {
      client.on('error', resolve);
      client.on('end', () => resolve(undefined));
    });
    client.on('notification', (message: pg.Notification) => {
      if (message.channel === channel) notify(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      logger.info({ channel }, 'listening for notifications');
      notify(undefined);
      const error = await Promise.race([lost, stopped]);
      if (!stopping.signal.aborted) throw error ?? new Error('the notification connection ended');
    } finally {
      await client.end().catch(() => {});
    }
  }

  async function run(): Promise<void> {
    for (let attempt = 1; !stopping.signal.aborted; attempt++) {
      const started = Date.now();
      try {
        await listenOnce();
      } catch (error) {
        // A connection that held for a while starts the backoff over.
        if (Date.now() - started > 30_000) attempt = 1;
        const delayMs = backoffMs(attempt);
        logger.warn({ err: error, channel, attempt, delayMs }, 'not listening for notifications; reconnecting');
        await sleep(delayMs, undefined, { signal: stopping.signal }).catch(() => {});
      }
    }
  }

  return {
    subscribe(subscriber) {
      subscribers.add(subscriber);
      return () => subscribers.delete(subscriber);
    },
    start() {
      running ??= run();
    },
    async close() {
      stopping.abort();
      await running;
    },
  };
}
