import type { SumCalculated } from '@calculator/proto';
import type { GroupCommit } from './db/group-commit.js';
import type { OutboxRow, RecordedSum } from './db/outbox-insert.js';
import { calculateSum, type SumInput, type ValidSum } from './domain/calculate-sum.js';
import { calculateSums } from './domain/calculate-sums.js';
import { CalculatorError, OutboxUnavailableError } from './errors.js';
import type { EventEncoder } from './events/event-encoder.js';

export interface CallContext {
  signal?: AbortSignal;
  traceparent: string | null;
}

export interface Calculator {
  calculateSum(input: SumInput, context: CallContext): Promise<RecordedSum>;
  calculateSums(items: readonly SumInput[], context: CallContext): Promise<RecordedSum[]>;
}

export interface CalculatorDeps {
  encoder: EventEncoder;
  outbox: GroupCommit<OutboxRow, RecordedSum>;
  newEventId: () => string;
  now: () => number;
}

/** The use case behind every transport: validate, compute, encode the event, commit it to the outbox. */
export function createCalculator(deps: CalculatorDeps): Calculator {
  async function toRow(valid: ValidSum, traceparent: string | null): Promise<OutboxRow> {
    const event: SumCalculated = { eventId: deps.newEventId(), ...valid, createdAt: deps.now() };
    const payload = await deps.encoder.encode(event);
    return { ...valid, eventId: event.eventId, payload, traceparent, createdAt: event.createdAt };
  }

  async function record(valid: ValidSum[], context: CallContext): Promise<RecordedSum[]> {
    const rows = await Promise.all(valid.map((v) => toRow(v, context.traceparent)));
    try {
      return await deps.outbox.submit(rows, context.signal);
    } catch (error) {
      if (context.signal?.aborted || error instanceof CalculatorError) throw error;
      throw new OutboxUnavailableError(error);
    }
  }

  return {
    async calculateSum(input, context) {
      const [recorded] = await record([calculateSum(input)], context);
      return recorded as RecordedSum;
    },
    calculateSums: (items, context) => record(calculateSums(items), context),
  };
}
