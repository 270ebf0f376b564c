import type { PartitionRange } from './partition-ranges.js';

export interface RangeTracker {
  /** The partitions still to read and where each goes on: the assignment to ask for after a rebalance. */
  pending(): { partition: number; offset: bigint }[];
  /** The records of a fetched batch that lie inside the partition's range. */
  slice<M extends { offset: string }>(partition: number, messages: readonly M[]): M[];
  /** Moves the partition's position past a batch once it is handled. */
  markRead(partition: number, messages: readonly { offset: string }[]): void;
  /** Every range has reached its end (never true when following). */
  isDone(): boolean;
}

/** Tracks how far each partition got against the range planned for it; pure, so the reader's stop rule is tested. */
export function trackRanges(ranges: readonly PartitionRange[]): RangeTracker {
  const positions = new Map(ranges.map((range) => [range.partition, { ...range, next: range.start }]));
  const reachedEnd = (p: { next: bigint; end: bigint | undefined }) => p.end !== undefined && p.next >= p.end;
  return {
    pending() {
      return [...positions.values()]
        .filter((p) => !reachedEnd(p))
        .map((p) => ({ partition: p.partition, offset: p.next }));
    },
    slice(partition, messages) {
      const p = positions.get(partition);
      if (!p) return [];
      return messages.filter((m) => {
        const offset = BigInt(m.offset);
        return offset >= p.next && (p.end === undefined || offset < p.end);
      });
    },
    markRead(partition, messages) {
      const p = positions.get(partition);
      const last = messages.at(-1);
      if (!p || !last) return;
      const next = BigInt(last.offset) + 1n;
      if (next > p.next) p.next = next;
    },
    isDone() {
      return [...positions.values()].every(reachedEnd);
    },
  };
}
