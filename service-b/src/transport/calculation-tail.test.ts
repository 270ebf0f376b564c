import { describe, expect, it } from 'vitest';
import { createFakeCalculationStore } from '../db/calculation-store.fake.js';
import { createCalculationTail } from './calculation-tail.js';

const seqs = (rows: { seq: string }[]) => rows.map((r) => r.seq);

describe('createCalculationTail', () => {
  it('serves every stream woken together from one read of the new rows', async () => {
    const store = createFakeCalculationStore();
    const tail = createCalculationTail(store, 100);
    await tail.listCalculationsAfter('0', { limit: 10 }); // starts the tail at the newest seq (0)
    store.add('alice', 2);
    store.add('bob', 1);
    const readsBefore = store.reads;

    const answers = await Promise.all([
      tail.listCalculationsAfter('0', { limit: 10 }),
      tail.listCalculationsAfter('0', { userId: 'alice', limit: 10 }),
      tail.listCalculationsAfter('1', { userId: 'alice', limit: 10 }),
      tail.listCalculationsAfter('0', { userId: 'bob', limit: 10 }),
      tail.listCalculationsAfter('0', { limit: 2 }),
    ]);
    expect(answers.map(seqs)).toEqual([['1', '2', '3'], ['1', '2'], ['2'], ['3'], ['1', '2']]);
    expect(store.reads - readsBefore).toBe(1);
  });

  it('asks the database for the visibility horizon once for the streams that ask together', async () => {
    const store = createFakeCalculationStore();
    let asked = 0;
    const counting = {
      ...store,
      visibleUpTo: () => {
        asked++;
        return store.visibleUpTo();
      },
    };
    const tail = createCalculationTail(counting, 100);
    store.add('alice', 2);
    expect(await Promise.all([tail.visibleUpTo(), tail.visibleUpTo(), tail.visibleUpTo()])).toEqual(['3', '3', '3']);
    expect(asked).toBe(1);
    store.holdBackFrom(2);
    expect(await tail.visibleUpTo()).toBe('2');
    expect(asked).toBe(2);
  });

  it('answers a stream behind what the tail holds from the database', async () => {
    const store = createFakeCalculationStore();
    store.add('alice', 3);
    const tail = createCalculationTail(store, 100);
    await tail.listCalculationsAfter('3', { limit: 10 }); // tail starts at seq 3
    store.add('alice', 1);
    expect(seqs(await tail.listCalculationsAfter('1', { userId: 'alice', limit: 10 }))).toEqual(['2', '3', '4']);
  });

  it('gives a caller arriving during a read the rows applied after that read began', async () => {
    const store = createFakeCalculationStore();
    const tail = createCalculationTail(store, 100);
    await tail.listCalculationsAfter('0', { limit: 10 });
    const early = tail.listCalculationsAfter('0', { limit: 10 }); // read 1 starts
    await Promise.resolve();
    store.add('alice', 1); // applied after read 1 began
    const late = tail.listCalculationsAfter('0', { limit: 10 });
    expect(seqs(await late)).toEqual(['1']);
    expect((await early).length).toBeLessThanOrEqual(1);
  });

  it('keeps at most `capacity` rows, and starts again when more arrived than it holds', async () => {
    const store = createFakeCalculationStore();
    const tail = createCalculationTail(store, 3);
    await tail.listCalculationsAfter('0', { limit: 10 });
    store.add('alice', 2);
    await tail.listCalculationsAfter('0', { limit: 10 });
    store.add('alice', 2); // the tail now holds 2..4; 1 went to the database
    expect(seqs(await tail.listCalculationsAfter('1', { limit: 10 }))).toEqual(['2', '3', '4']);
    const reads = store.reads;
    expect(seqs(await tail.listCalculationsAfter('0', { limit: 10 }))).toEqual(['1', '2', '3', '4']);
    expect(store.reads - reads).toBe(2); // the refresh, then the database for a stream behind the tail

    store.add('bob', 5); // more than the tail holds: it restarts at seq 9
    expect(seqs(await tail.listCalculationsAfter('4', { limit: 10 }))).toEqual(['5', '6', '7', '8', '9']);
    store.add('bob', 1);
    expect(seqs(await tail.listCalculationsAfter('9', { limit: 10 }))).toEqual(['10']);
  });

  it('lets a failed read fail its callers, and the next call read again', async () => {
    const store = createFakeCalculationStore();
    const tail = createCalculationTail(store, 10);
    await tail.listCalculationsAfter('0', { limit: 10 });
    store.add('alice', 1);
    store.failNextReads(1);
    await expect(tail.listCalculationsAfter('0', { limit: 10 })).rejects.toThrow('database unavailable');
    expect(seqs(await tail.listCalculationsAfter('0', { limit: 10 }))).toEqual(['1']);
  });
});
