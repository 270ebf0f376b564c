import { OverloadedError } from './errors.js';

/**
 * A row the flush could not complete although the batch as a whole went through (for instance,
 * its recorded answer could not be read back). Only the caller owning the row is failed.
 */
export class RowFailure {
  constructor(readonly error: unknown) {}
}

/** A caller's rows, answered together (one CalculateSum: one row; CalculateSums: many). */
export interface Unit<Row, Result> {
  rows: Row[];
  resolve: (results: Result[]) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions<Row, Result> {
  /**
   * Writes the rows of several units in one transaction, returning one outcome per row, in order.
   * Throwing fails the whole batch; a RowFailure in place of a result fails only that row's unit.
   */
  flush: (rows: Row[]) => Promise<(Result | RowFailure)[]>;
  /** Whether an error of a multi-unit flush may be one unit's fault, so each unit is retried alone. */
  isPerRowError: (error: unknown) => boolean;
  maxQueuedRows: number;
  maxBatchRows: number;
  maxInFlight: number;
  /**
   * The least time between the starts of two batches, in ms (0: none). A batch still starts at once
   * after a quiet spell (the last one started longer ago than this) or when maxBatchRows are queued,
   * so a lone call is not delayed; under load calls gather for up to this long, and every commit
   * downstream (WAL flush, logical decoding, Debezium, the consumer) carries more of them.
   */
  minBatchIntervalMs?: number;
  onBatch?: (rows: number) => void;
  /** The clock, in ms; tests pass their own. */
  now?: () => number;
}

export interface GroupCommit<Row, Result> {
  /** Queues the rows and resolves once they are committed. Aborting while still queued withdraws them. */
  submit(rows: Row[], signal?: AbortSignal): Promise<Result[]>;
  queuedRows(): number;
  /** Resolves when nothing is queued or in flight. */
  drain(): Promise<void>;
}

/** Settles one unit from its slice of the flush's outcomes: its first failed row fails it. */
function settle<Row, Result>(unit: Unit<Row, Result>, outcomes: (Result | RowFailure)[], start: number): void {
  const end = start + unit.rows.length;
  for (let i = start; i < end; i++) {
    const outcome = outcomes[i];
    if (outcome instanceof RowFailure) {
      unit.reject(outcome.error);
      return;
    }
  }
  unit.resolve((start === 0 && end === outcomes.length ? outcomes : outcomes.slice(start, end)) as Result[]);
}

/**
 * Application-level group commit: concurrent callers are coalesced into one multi-row INSERT.
 * A batch is flushed as soon as fewer than `maxInFlight` are in flight and `minBatchIntervalMs` has
 * passed since the last one started, so a lone call is written at once and calls arriving while a
 * commit is in flight, or within the interval, share the next one.
 */
export function createGroupCommit<Row, Result>(options: GroupCommitOptions<Row, Result>): GroupCommit<Row, Result> {
  const queue: Unit<Row, Result>[] = [];
  let queuedRows = 0;
  let inFlight = 0;
  let drained: (() => void)[] = [];
  const now = options.now ?? (() => performance.now());
  const interval = options.minBatchIntervalMs ?? 0;
  let lastBatchAt = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;

  function takeBatch(): Unit<Row, Result>[] {
    const batch: Unit<Row, Result>[] = [];
    let rows = 0;
    while (queue.length > 0) {
      const next = queue[0] as Unit<Row, Result>;
      if (batch.length > 0 && rows + next.rows.length > options.maxBatchRows) break;
      queue.shift();
      batch.push(next);
      rows += next.rows.length;
    }
    queuedRows -= rows;
    return batch;
  }

  async function write(units: Unit<Row, Result>[]): Promise<void> {
    const rows = units.length === 1 ? (units[0] as Unit<Row, Result>).rows : units.flatMap((unit) => unit.rows);
    options.onBatch?.(rows.length);
    let outcomes: (Result | RowFailure)[];
    try {
      outcomes = await options.flush(rows);
    } catch (error) {
      if (units.length > 1 && options.isPerRowError(error)) {
        // One unit's bad row must not fail its neighbours: retry each unit in its own transaction.
        await Promise.all(units.map((unit) => write([unit])));
      } else {
        for (const unit of units) unit.reject(error);
      }
      return;
    }
    let offset = 0;
    for (const unit of units) {
      settle(unit, outcomes, offset);
      offset += unit.rows.length;
    }
  }

  function pump(): void {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const wait = lastBatchAt + interval - now();
      if (wait > 0 && queuedRows < options.maxBatchRows) {
        if (timer === undefined) {
          timer = setTimeout(() => {
            timer = undefined;
            pump();
          }, wait);
        }
        break;
      }
      lastBatchAt = now();
      const batch = takeBatch();
      inFlight++;
      void write(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
    if (inFlight === 0 && queue.length === 0) {
      for (const resolve of drained) resolve();
      drained = [];
    }
  }

  return {
    submit(rows, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (queuedRows + rows.length > options.maxQueuedRows) return Promise.reject(new OverloadedError(queuedRows));
      return new Promise<Result[]>((resolve, reject) => {
        const onAbort = () => {
          const index = queue.indexOf(unit);
          if (index === -1) return; // already being written: the outcome stands
          queue.splice(index, 1);
          queuedRows -= rows.length;
          reject(signal?.reason);
        };
        const unit: Unit<Row, Result> = signal
          ? {
              rows,
              resolve: (results) => {
                signal.removeEventListener('abort', onAbort);
                resolve(results);
              },
              reject: (error) => {
                signal.removeEventListener('abort', onAbort);
                reject(error);
              },
            }
          : { rows, resolve, reject };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(unit);
        queuedRows += rows.length;
        pump();
      });
    },
    queuedRows: () => queuedRows,
    drain() {
      if (inFlight === 0 && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => drained.push(resolve));
    },
  };
}
