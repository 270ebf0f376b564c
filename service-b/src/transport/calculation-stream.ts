import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Calculation, CalculationStore } from '../db/calculation-store.js';
import { formatSseId, formatSseMessage, SSE_KEEP_ALIVE } from './format-sse-message.js';

export interface CalculationStreamOptions {
  /** The response, headers already sent. */
  sink: Writable;
  store: Pick<CalculationStore, 'listCalculationsAfter' | 'latestSeq' | 'visibleUpTo'>;
  /** Only this user's calculations; every user's when undefined. */
  userId?: string;
  /** The seq to resume after; undefined starts after the latest calculation applied. */
  lastEventId?: string;
  keepAliveMs: number;
  logger: Logger;
  /** Called once, when the stream ends for whatever reason. */
  onClose: () => void;
}

export interface CalculationStream {
  /** Calculations were applied, up to `maxSeq` when known: send what this client has not had yet. */
  wake(maxSeq?: string): void;
  /** Ends the response; resolves once none of this stream's queries is in flight. */
  close(): Promise<void>;
}

/** Rows read per query; a longer backlog is read page after page, each sent before the next is read. */
export const STREAM_PAGE_SIZE = 500;

const MAX_BACKOFF_MS = 5000;

/**
 * How soon a stream looks again for a calculation it was told of but cannot read yet: committed,
 * but above the visibility horizon while an older transaction is still running (see
 * calculation-store.ts). Apply transactions last milliseconds; one left open for long (a session
 * anywhere in the cluster) is looked at less and less often, up to once a second.
 */
export const HELD_BACK_RETRY_MS = 10;
const HELD_BACK_MAX_RETRY_MS = 1000;

const toMessage = (calculation: Calculation) =>
  formatSseMessage({ id: calculation.seq, event: 'calculation', data: JSON.stringify(calculation) });

/**
 * One client's server-sent event stream. The database is the only source: each wake-up reads the
 * rows after the last one sent, in seq order, so a client that resumes with its Last-Event-ID gets
 * every calculation exactly once, and a slow client holds back its own reads instead of buffering.
 * A notified calculation still held back by an older running transaction is read again shortly.
 */
export function openCalculationStream(options: CalculationStreamOptions): CalculationStream {
  const { sink, store, userId, logger } = options;
  let lastSent = options.lastEventId;
  /** The highest seq a notification named that this stream may not have read yet. */
  let awaited: bigint | undefined;
  let pending = false;
  let pumping = false;
  let pumped: Promise<void> = Promise.resolve();
  let closed = false;
  const closing = new AbortController();

  const keepAlive = setInterval(() => {
    // A client that is not reading gets nothing more; its stream stays open until it goes away.
    if (!sink.writableNeedDrain) sink.write(SSE_KEEP_ALIVE);
  }, options.keepAliveMs);

  // Advances lastSent page by page, so a failure halfway resumes after what was already sent.
  async function sendNewRows(): Promise<void> {
    if (lastSent === undefined) {
      lastSent = await store.latestSeq();
      // Starting "from now", the client has no id yet; without one, a reconnect before the first
      // calculation would start from a later "now" and skip what was applied in between.
      if (!closed) sink.write(formatSseId(lastSent));
    }
    for (;;) {
      const page = await store.listCalculationsAfter(lastSent, { userId, limit: STREAM_PAGE_SIZE });
      const newest = page.at(-1);
      if (closed || newest === undefined) return;
      sink.write(page.map(toMessage).join(''));
      lastSent = newest.seq;
      if (sink.writableNeedDrain) await once(sink, 'drain', { signal: closing.signal });
      if (page.length < STREAM_PAGE_SIZE) return;
    }
  }

  async function pump(): Promise<void> {
    pumping = true;
    try {
      for (let failures = 0, heldBack = 0; pending && !closed; ) {
        pending = false;
        try {
          const target = awaited;
          // Read after the horizon: when it is past the notified seq, so is the read's own.
          const caughtUp = target === undefined || BigInt(await store.visibleUpTo()) > target;
          await sendNewRows();
          failures = 0;
          if (caughtUp) {
            heldBack = 0;
            if (awaited === target) awaited = undefined;
          } else {
            pending = true;
            const delayMs = Math.min(HELD_BACK_MAX_RETRY_MS, HELD_BACK_RETRY_MS * 2 ** heldBack++);
            await sleep(delayMs, undefined, { signal: closing.signal }).catch(() => {});
          }
        } catch (error) {
          if (closed) return;
          failures++;
          pending = true;
          const delayMs = Math.min(MAX_BACKOFF_MS, 100 * 2 ** failures);
          // Every open stream fails at once when the database does: one warning per stream and outage.
          logger[failures === 1 ? 'warn' : 'debug']({ err: error, failures, delayMs }, 'stream query failed; retrying');
          await sleep(delayMs, undefined, { signal: closing.signal }).catch(() => {});
        }
      }
    } finally {
      pumping = false;
    }
  }

  function wake(maxSeq?: string) {
    if (closed) return;
    if (maxSeq !== undefined && lastSent !== undefined && BigInt(maxSeq) <= BigInt(lastSent)) return;
    if (maxSeq !== undefined && (awaited === undefined || BigInt(maxSeq) > awaited)) awaited = BigInt(maxSeq);
    pending = true;
    if (!pumping) pumped = pump();
  }

  async function close() {
    if (!closed) {
      closed = true;
      clearInterval(keepAlive);
      closing.abort();
      // A client that stopped reading would hold end() (and with it the server's close) forever.
      if (sink.writableNeedDrain) sink.destroy();
      else sink.end();
      options.onClose();
    }
    await pumped;
  }

  sink.on('close', () => void close());
  sink.on('error', (error) => {
    logger.debug({ err: error }, 'stream response failed');
    void close();
  });
  // Gone before we started: no close event is left to come.
  if (sink.destroyed) queueMicrotask(() => void close());
  wake();
  return { wake, close };
}
