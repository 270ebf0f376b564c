import { OverloadedError } from '../errors.js';

/** A caller's rows, written together in one transaction (one CalculateSum: one row; CalculateSums: many). */
export interface Unit<Row, Result> {
  rows: Row[];
  resolve: (results: Result[]) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions<Row, Result> {
  /** Writes the rows of several units in one transaction, returning one result per row, in order. */
  flush: (rows: Row[]) => Promise<Result[]>;
  /** Whether an error of a multi-unit flush may be one unit's fault, so each unit is retried alone. */
  isPerRowError: (error: unknown) => boolean;
  maxQueuedRows: number;
  maxBatchRows: number;
  maxInFlight: number;
  onBatch?: (rows: number) => void;
}

export interface GroupCommit<Row, Result> {
  /** Queues the rows and resolves once they are committed. Aborting while still queued withdraws them. */
  submit(rows: Row[], signal?: AbortSignal): Promise<Result[]>;
  queuedRows(): number;
  /** Resolves when nothing is queued or in flight. */
  drain(): Promise<void>;
}

/**
 * Application-level group commit: concurrent callers are coalesced into one multi-row INSERT.
 * There is no timer: a batch is flushed as soon as fewer than `maxInFlight` are in flight, so a
 * lone call is written at once and calls arriving while commits are in flight share the next one.
 */
export function createGroupCommit<Row, Result>(options: GroupCommitOptions<Row, Result>): GroupCommit<Row, Result> {
  const queue: Unit<Row, Result>[] = [];
  let queuedRows = 0;
  let inFlight = 0;
  let drained: (() => void)[] = [];

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
    const rows = units.flatMap((unit) => unit.rows);
    options.onBatch?.(rows.length);
    try {
      const results = await options.flush(rows);
      let offset = 0;
      for (const unit of units) {
        unit.resolve(results.slice(offset, offset + unit.rows.length));
        offset += unit.rows.length;
      }
    } catch (error) {
      if (units.length > 1 && options.isPerRowError(error)) {
        // One unit's bad row must not fail its neighbours: retry each unit in its own transaction.
        await Promise.all(units.map((unit) => write([unit])));
      } else {
        for (const unit of units) unit.reject(error);
      }
    }
  }

  function pump(): void {
    while (inFlight < options.maxInFlight && queue.length > 0) {
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
        const unit: Unit<Row, Result> = {
          rows,
          resolve: (results) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(results);
          },
          reject: (error) => {
            signal?.removeEventListener('abort', onAbort);
            reject(error);
          },
        };
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
