import { UsageError } from '../errors.js';
import type { InspectOptions } from './inspect-args.js';

/** One partition's offsets as the admin client's fetchTopicOffsets reports them. */
export interface PartitionOffsets {
  partition: number;
  low: string;
  high: string;
}

/** A partition's committed offset as the admin client's fetchOffsets reports it ("-1" when none). */
export interface CommittedOffset {
  partition: number;
  offset: string;
}

export interface PartitionRange {
  partition: number;
  /** The first offset to read. */
  start: bigint;
  /** The offset to stop before: the partition's end when the command started; undefined follows on. */
  end: bigint | undefined;
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);

/** What `inspect-topic` reads of each partition: the ones asked for, from the beginning or their last N records. */
export function inspectRanges(
  offsets: readonly PartitionOffsets[],
  options: Pick<InspectOptions, 'start' | 'partitions' | 'follow'>,
): PartitionRange[] {
  const known = new Set(offsets.map((o) => o.partition));
  const missing = options.partitions?.filter((partition) => !known.has(partition)) ?? [];
  if (missing.length > 0) {
    const existing = [...known].sort((a, b) => a - b).join(', ');
    throw new UsageError(`no partition ${missing.join(', ')} in this topic; it has ${existing}`);
  }
  const wanted = options.partitions ? new Set(options.partitions) : known;
  return offsets
    .filter((o) => wanted.has(o.partition))
    .sort((a, b) => a.partition - b.partition)
    .map((o) => {
      const low = BigInt(o.low);
      const high = BigInt(o.high);
      const start = options.start.from === 'beginning' ? low : max(low, high - BigInt(options.start.count));
      return { partition: o.partition, start, end: options.follow ? undefined : high };
    });
}

/**
 * What `replay-dead-letters` reads: each partition from the group's committed offset (its first retained
 * record when none, or when retention deleted past it) to its end at start.
 */
export function replayRanges(
  offsets: readonly PartitionOffsets[],
  committed: readonly CommittedOffset[],
): PartitionRange[] {
  const committedBy = new Map(committed.map((c) => [c.partition, BigInt(c.offset)]));
  return offsets
    .map((o) => {
      const low = BigInt(o.low);
      return { partition: o.partition, start: max(low, committedBy.get(o.partition) ?? low), end: BigInt(o.high) };
    })
    .sort((a, b) => a.partition - b.partition);
}
