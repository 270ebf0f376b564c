import { describe, expect, it, vi } from 'vitest';
import { OverloadedError } from './errors.js';
import { createGroupCommit, type GroupCommitOptions, RowFailure } from './group-commit.js';

/** A flush whose commits finish only when the test says so. */
function manualFlush() {
  const calls: { rows: string[]; finish: (error?: Error) => void }[] = [];
  const flush = (rows: string[]) =>
    new Promise<(string | RowFailure)[]>((resolve, reject) => {
      calls.push({ rows, finish: (error) => (error ? reject(error) : resolve(rows.map((row) => `ok:${row}`))) });
    });
  return { calls, flush };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function groupCommit(
  overrides: Partial<GroupCommitOptions<string, string>> & Pick<GroupCommitOptions<string, string>, 'flush'>,
) {
  return createGroupCommit<string, string>({
    isPerRowError: (error) => (error as Error).message === 'bad row',
    maxQueuedRows: 100,
    maxBatchRows: 10,
    maxInFlight: 1,
    ...overrides,
  });
}

describe('createGroupCommit', () => {
  it('writes a lone call at once', async () => {
    const { calls, flush } = manualFlush();
    const commit = groupCommit({ flush });
    const result = commit.submit(['a']);
    expect(calls.map((c) => c.rows)).toEqual([['a']]);
    calls[0]?.finish();
    expect(await result).toEqual(['ok:a']);
  });

  it('coalesces calls that arrive while a commit is in flight into one batch', async () => {
    const { calls, flush } = manualFlush();
    const commit = groupCommit({ flush });
    const first = commit.submit(['a']);
    const second = commit.submit(['b']);
    const third = commit.submit(['c', 'd']);
    calls[0]?.finish();
    await tick();
    expect(calls.map((c) => c.rows)).toEqual([['a'], ['b', 'c', 'd']]);
    calls[1]?.finish();
    expect(await Promise.all([first, second, third])).toEqual([['ok:a'], ['ok:b'], ['ok:c', 'ok:d']]);
  });

  it('keeps up to maxInFlight batches in flight', () => {
    const { calls, flush } = manualFlush();
    const commit = groupCommit({ flush, maxInFlight: 2 });
    void commit.submit(['a']);
    void commit.submit(['b']);
    void commit.submit(['c']);
    expect(calls.map((c) => c.rows)).toEqual([['a'], ['b']]);
  });

  it('caps a batch at maxBatchRows but never splits a unit', async () => {
    const { calls, flush } = manualFlush();
    const commit = groupCommit({ flush, maxBatchRows: 3 });
    void commit.submit(['x']);
    void commit.submit(['a', 'b']);
    void commit.submit(['c', 'd']);
    calls[0]?.finish();
    await tick();
    expect(calls[1]?.rows).toEqual(['a', 'b']);
  });

  it('refuses work beyond the queue bound with OverloadedError', async () => {
    const { flush } = manualFlush();
    const commit = groupCommit({ flush, maxQueuedRows: 2 });
    void commit.submit(['in flight']);
    void commit.submit(['q1', 'q2']);
    await expect(commit.submit(['q3'])).rejects.toBeInstanceOf(OverloadedError);
    expect(commit.queuedRows()).toBe(2);
  });

  it('withdraws a call whose signal aborts while it is queued', async () => {
    const { calls, flush } = manualFlush();
    const commit = groupCommit({ flush });
    void commit.submit(['a']);
    const controller = new AbortController();
    const queued = commit.submit(['b'], controller.signal);
    controller.abort(new Error('deadline'));
    await expect(queued).rejects.toThrow('deadline');
    calls[0]?.finish();
    await tick();
    expect(calls).toHaveLength(1);
    expect(commit.queuedRows()).toBe(0);
  });

  it('retries each unit alone when a batch fails on one bad row', async () => {
    const commit = groupCommit({
      maxInFlight: 1,
      flush: async (rows) => {
        if (rows.includes('bad')) throw new Error('bad row');
        return rows.map((row) => `ok:${row}`);
      },
    });
    const blocker = commit.submit(['first']);
    const good = commit.submit(['good']);
    const bad = commit.submit(['bad']);
    await expect(bad).rejects.toThrow('bad row');
    expect(await good).toEqual(['ok:good']);
    expect(await blocker).toEqual(['ok:first']);
  });

  it('fails every unit of a batch when the database is unreachable', async () => {
    const { calls, flush } = manualFlush();
    const commit = groupCommit({ flush });
    void commit.submit(['a']).catch(() => {});
    const b = commit.submit(['b']);
    const c = commit.submit(['c']);
    calls[0]?.finish();
    await tick();
    calls[1]?.finish(new Error('connection refused'));
    await expect(b).rejects.toThrow('connection refused');
    await expect(c).rejects.toThrow('connection refused');
  });

  it('fails only the unit owning a failed row; the rest of the batch resolves', async () => {
    const commit = groupCommit({
      flush: async (rows) => rows.map((row) => (row.startsWith('lost') ? new RowFailure(new Error(row)) : `ok:${row}`)),
    });
    const blocker = commit.submit(['first']);
    const written = commit.submit(['a']);
    const lost = commit.submit(['lost-b']);
    const mixed = commit.submit(['c', 'lost-d']);
    expect(await blocker).toEqual(['ok:first']);
    expect(await written).toEqual(['ok:a']);
    await expect(lost).rejects.toThrow('lost-b');
    await expect(mixed).rejects.toThrow('lost-d');
  });

  it('does not retry units alone when only some rows failed', async () => {
    const batches: string[][] = [];
    const commit = groupCommit({
      flush: async (rows) => {
        batches.push(rows);
        return rows.map((row) => (row === 'lost' ? new RowFailure(new Error('bad row')) : `ok:${row}`));
      },
    });
    void commit.submit(['first']);
    const good = commit.submit(['good']);
    const lost = commit.submit(['lost']);
    await expect(lost).rejects.toThrow('bad row');
    expect(await good).toEqual(['ok:good']);
    expect(batches).toEqual([['first'], ['good', 'lost']]);
  });

  it('drains once nothing is queued or in flight', async () => {
    const { calls, flush } = manualFlush();
    const commit = groupCommit({ flush });
    void commit.submit(['a']);
    let drained = false;
    void commit.drain().then(() => {
      drained = true;
    });
    await tick();
    expect(drained).toBe(false);
    calls[0]?.finish();
    await tick();
    expect(drained).toBe(true);
  });

  describe('with a least interval between batches', () => {
    it('writes the first call after a quiet spell at once, and gathers the calls within the interval', async () => {
      vi.useFakeTimers();
      try {
        let clock = 1000;
        const { calls, flush } = manualFlush();
        const commit = groupCommit({ flush, minBatchIntervalMs: 5, now: () => clock });
        void commit.submit(['a']);
        expect(calls.map((c) => c.rows)).toEqual([['a']]);
        calls[0]?.finish();
        await vi.advanceTimersByTimeAsync(0);
        clock += 1;
        void commit.submit(['b']);
        void commit.submit(['c']);
        // 1 ms after the last batch started: b and c wait for the rest of the interval.
        expect(calls).toHaveLength(1);
        clock += 4;
        await vi.advanceTimersByTimeAsync(4);
        expect(calls.map((c) => c.rows)).toEqual([['a'], ['b', 'c']]);
      } finally {
        vi.useRealTimers();
      }
    });

    it('does not wait once maxBatchRows are queued', () => {
      let clock = 1000;
      const { calls, flush } = manualFlush();
      const commit = groupCommit({
        flush,
        minBatchIntervalMs: 1000,
        maxInFlight: 2,
        maxBatchRows: 2,
        now: () => clock,
      });
      void commit.submit(['a']);
      clock += 1;
      void commit.submit(['b']);
      expect(calls).toHaveLength(1);
      void commit.submit(['c']);
      expect(calls.map((c) => c.rows)).toEqual([['a'], ['b', 'c']]);
    });
  });
});
