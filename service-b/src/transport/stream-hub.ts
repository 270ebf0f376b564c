import type { CalculationStream } from './calculation-stream.js';

export interface StreamHub {
  readonly size: number;
  hasRoom(): boolean;
  add(stream: CalculationStream): void;
  remove(stream: CalculationStream): void;
  /** Wakes every open stream; `maxSeq` lets the ones already past it skip their query. */
  wakeAll(maxSeq?: string): void;
  closeAll(): Promise<void>;
}

/** The open streams of this process, at most `maxStreams`: each holds a connection and queries on every wake-up. */
export function createStreamHub(maxStreams: number): StreamHub {
  const streams = new Set<CalculationStream>();
  return {
    get size() {
      return streams.size;
    },
    hasRoom: () => streams.size < maxStreams,
    add(stream) {
      streams.add(stream);
    },
    remove(stream) {
      streams.delete(stream);
    },
    wakeAll(maxSeq) {
      for (const stream of streams) stream.wake(maxSeq);
    },
    async closeAll() {
      await Promise.all([...streams].map((stream) => stream.close()));
    },
  };
}
