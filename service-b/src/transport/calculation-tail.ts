import type { Calculation, CalculationStore } from '../db/calculation-store.js';

type StreamSource = Pick<CalculationStore, 'listCalculationsAfter' | 'latestSeq' | 'visibleUpTo'>;

/**
 * The newest calculations, shared by every live stream of this instance. A notification wakes every
 * open stream at once; without this, each would run its own query. Here the wake-up costs one read
 * of the rows applied since the last one, and each stream takes its rows (all, or its user's) from
 * memory. A stream further behind than the tail reaches (a resume from an old Last-Event-ID, a slow
 * client) reads the database itself, as before.
 *
 * It relies on what the streams already rely on: reads take only rows below the visibility horizon
 * (calculation-store.ts), so once the rows after N have been read, no row with a smaller seq can
 * appear later.
 */
export function createCalculationTail(store: StreamSource, capacity: number): StreamSource {
  /** Every calculation with coveredFrom < seq <= head is in `rows`, oldest first. */
  let rows: Calculation[] = [];
  let coveredFrom: bigint | undefined;
  let head: bigint | undefined;
  let running: Promise<void> | undefined;
  /** True in the tick a read started: a caller arriving then was woken before the read began. */
  let joinable = false;
  let queued: Promise<void> | undefined;
  let horizonRead: Promise<string> | undefined;

  async function readNewRows(): Promise<void> {
    if (head === undefined) {
      head = BigInt(await store.latestSeq());
      coveredFrom = head;
      return;
    }
    const page = await store.listCalculationsAfter(head.toString(), { limit: capacity });
    if (page.length === capacity) {
      // More may have been applied than the tail holds: start again from the newest.
      rows = [];
      head = BigInt(await store.latestSeq());
      coveredFrom = head;
      return;
    }
    const newest = page.at(-1);
    if (newest === undefined) return;
    rows = rows.concat(page);
    head = BigInt(newest.seq);
    if (rows.length > capacity) {
      const dropped = rows.splice(0, rows.length - capacity);
      coveredFrom = BigInt((dropped.at(-1) as Calculation).seq);
    }
  }

  /**
   * Reads what was applied since the last read. Callers in the tick the read started share it
   * (a notification wakes every stream in one tick); later callers share one follow-up read,
   * started after the running one, which might have begun before their wake-up and missed its rows.
   */
  function refresh(): Promise<void> {
    if (running && joinable) return running;
    if (!running) {
      running = readNewRows().finally(() => {
        running = undefined;
      });
      joinable = true;
      queueMicrotask(() => {
        joinable = false;
      });
      return running;
    }
    queued ??= running
      .catch(() => {})
      .then(() => {
        queued = undefined;
        return refresh();
      });
    return queued;
  }

  return {
    latestSeq: () => store.latestSeq(),
    // Streams woken together ask together: they share one query. An answer from a query that
    // began before a stream asked is no larger than the horizon then, so at worst it reads again.
    visibleUpTo() {
      horizonRead ??= store.visibleUpTo().finally(() => {
        horizonRead = undefined;
      });
      return horizonRead;
    },
    async listCalculationsAfter(afterSeq, { userId, limit }) {
      await refresh();
      const after = BigInt(afterSeq);
      if (coveredFrom === undefined || after < coveredFrom) {
        return store.listCalculationsAfter(afterSeq, { userId, limit });
      }
      const mine: Calculation[] = [];
      for (const row of rows) {
        if (mine.length === limit) break;
        if (BigInt(row.seq) > after && (userId === undefined || row.userId === userId)) mine.push(row);
      }
      return mine;
    },
  };
}
