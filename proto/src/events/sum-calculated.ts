import { readFileSync } from 'node:fs';

/** The SumCalculated event as both services see it (Avro schema: events/sum-calculated.avsc). */
export interface SumCalculated {
  eventId: string;
  userId: string;
  operands: number[];
  sum: number;
  requestId: string | null;
  /** Epoch milliseconds at which the event was written to the outbox. */
  createdAt: number;
}

export const SUM_CALCULATED_EVENT_TYPE = 'SumCalculated';

/** The Avro schema text, read once from the file shipped with this package. */
export const sumCalculatedAvroSchema: string = readFileSync(
  new URL('../../events/sum-calculated.avsc', import.meta.url),
  'utf8',
);

/** Registry subject under the TopicNameStrategy: `<topic>-value`. */
export function valueSubjectFor(topic: string): string {
  return `${topic}-value`;
}
