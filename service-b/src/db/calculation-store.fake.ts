import type { Calculation, CalculationStore, UserSummary } from './calculation-store.js';

/** An in-memory CalculationStore for tests, answering the reads the way the SQL does. */
export interface FakeCalculationStore extends CalculationStore {
  /** Applies calculations for `userId` with the next seqs, as one committed batch would. */
  add(userId: string, count?: number): Calculation[];
  /** The next `count` reads fail, as with the database down. */
  failNextReads(count: number): void;
  /**
   * Hides the calculations from `seq` on, as an older apply transaction still running holds them
   * above the visibility horizon; undefined shows them all again.
   */
  holdBackFrom(seq: number | undefined): void;
  readonly reads: number;
}

export function createFakeCalculationStore(): FakeCalculationStore {
  const calculations: Calculation[] = [];
  let nextSeq = 1;
  let failures = 0;
  let reads = 0;
  let horizon: number | undefined;
  const visible = () => {
    const below = horizon;
    return below === undefined ? calculations : calculations.filter((c) => Number(c.seq) < below);
  };

  const read = <T>(answer: () => T): Promise<T> => {
    reads++;
    if (failures > 0) {
      failures--;
      return Promise.reject(new Error('database unavailable'));
    }
    return Promise.resolve(answer());
  };

  return {
    get reads() {
      return reads;
    },
    add(userId, count = 1) {
      const added = Array.from({ length: count }, () => {
        const seq = nextSeq++;
        return {
          seq: String(seq),
          eventId: `00000000-0000-7000-8000-${seq.toString(16).padStart(12, '0')}`,
          userId,
          operands: [seq, 1],
          sum: seq + 1,
          requestId: seq % 2 === 0 ? `request-${seq}` : null,
          createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
          appliedAt: new Date(Date.UTC(2026, 0, 1, 0, 1, seq)).toISOString(),
        };
      });
      calculations.push(...added);
      return added;
    },
    failNextReads(count) {
      failures = count;
    },
    holdBackFrom(seq) {
      horizon = seq;
    },
    async applyBatch() {
      throw new Error('the fake store applies through add()');
    },
    findCalculation: (eventId) => read(() => visible().find((c) => c.eventId === eventId)),
    findUserSummary: (userId) =>
      read((): UserSummary | undefined => {
        const mine = calculations.filter((c) => c.userId === userId);
        if (mine.length === 0) return undefined;
        return { userId, calculationCount: mine.length, total: mine.reduce((total, c) => total + c.sum, 0) };
      }),
    listUserCalculations: (userId, { beforeSeq, limit }) =>
      read(() =>
        visible()
          .filter((c) => c.userId === userId && (beforeSeq === undefined || BigInt(c.seq) < BigInt(beforeSeq)))
          .reverse()
          .slice(0, limit),
      ),
    listCalculationsAfter: (afterSeq, { userId, limit }) =>
      read(() =>
        visible()
          .filter((c) => (userId === undefined || c.userId === userId) && BigInt(c.seq) > BigInt(afterSeq))
          .slice(0, limit),
      ),
    latestSeq: () => read(() => visible().at(-1)?.seq ?? '0'),
    // Not counted as a read: it touches no table.
    visibleUpTo: async () => String(horizon ?? nextSeq),
  };
}
