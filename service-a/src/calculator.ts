import type { SumCalculated } from '@calculator/proto';
import type { OutboxRow, RecordedSum } from './db/outbox-insert.js';
import { calculateSum, type SumInput, type ValidSum } from './domain/calculate-sum.js';
import { calculateSums } from './domain/calculate-sums.js';
import { inputDigest } from './domain/input-digest.js';
import { CalculatorError, OutboxUnavailableError, WritesPausedError } from './errors.js';
import type { EventEncoder } from './events/event-encoder.js';
import type { GroupCommit } from './group-commit.js';

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
  /** Why new writes are refused right now (the replication slot is at risk), or null. */
  writeRefusal: () => string | null;
}

/** A failed write answers UNAVAILABLE unless it already carries its own answer (or the caller left). */
function callError(error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted || error instanceof CalculatorError) return error;
  return new OutboxUnavailableError(error);
}

/** The use case behind every transport: validate, compute, encode the event, commit it to the outbox. */
export function createCalculator(deps: CalculatorDeps): Calculator {
  let lastCallId = 0;
  /** A number per call, told apart within one group commit; wraps long before int4 would overflow. */
  const nextCallId = () => {
    lastCallId = lastCallId >= 0x3fffffff ? 1 : lastCallId + 1;
    return lastCallId;
  };

  function toRow(valid: ValidSum, traceparent: string | null, callId: number): OutboxRow {
    const eventId = deps.newEventId();
    const createdAt = deps.now();
    const { userId, operands, sum, requestId } = valid;
    const event: SumCalculated = { eventId, userId, operands, sum, requestId, createdAt };
    return {
      eventId,
      userId,
      requestId,
      sum,
      payload: deps.encoder.encode(event),
      traceparent,
      createdAt,
      // Only a call that can be replayed needs its input remembered.
      inputDigest: requestId === null ? null : inputDigest(userId, operands),
      callId,
    };
  }

  function refuseWhilePaused(): void {
    const reason = deps.writeRefusal();
    if (reason !== null) throw new WritesPausedError(reason);
  }

  return {
    async calculateSum(input, context) {
      const valid = calculateSum(input);
      refuseWhilePaused();
      const rows = [toRow(valid, context.traceparent, nextCallId())];
      try {
        const [recorded] = await deps.outbox.submit(rows, context.signal);
        return recorded as RecordedSum;
      } catch (error) {
        throw callError(error, context.signal);
      }
    },
    async calculateSums(items, context) {
      const valid = calculateSums(items);
      refuseWhilePaused();
      const rows = new Array<OutboxRow>(valid.length);
      const callId = nextCallId();
      for (let i = 0; i < valid.length; i++) rows[i] = toRow(valid[i] as ValidSum, context.traceparent, callId);
      try {
        return await deps.outbox.submit(rows, context.signal);
      } catch (error) {
        throw callError(error, context.signal);
      }
    },
  };
}
