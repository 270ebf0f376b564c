import { type SumCalculated, traceparentOf } from '@calculator/proto';
import { type Context, type Span, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { OutboxRow, RecordedSum } from './db/outbox-insert.js';
import { calculateSum, type SumInput, type ValidSum } from './domain/calculate-sum.js';
import { calculateSums } from './domain/calculate-sums.js';
import { inputDigest } from './domain/input-digest.js';
import { CalculatorError, OutboxUnavailableError, WritesPausedError } from './errors.js';
import type { EventEncoder } from './events/event-encoder.js';
import type { GroupCommit } from './group-commit.js';

export interface CallContext {
  signal?: AbortSignal;
  /** The call's span (the transport's server span): the outbox write's parent. */
  trace: Context;
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
  tracer: Tracer;
  /** The topic the outbox rows are published to, named on the write's span. */
  topic: string;
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

  /**
   * The span of the outbox write (from submit to commit, the group commit's wait included). Its
   * traceparent is written in the row, and so travels with the event: service-b's span for the
   * event is its child.
   */
  function startWriteSpan(context: CallContext, rows: number): Span {
    return deps.tracer.startSpan(
      'outbox write',
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'db.system.name': 'postgresql',
          'messaging.system': 'kafka',
          'messaging.destination.name': deps.topic,
          'messaging.batch.message_count': rows,
        },
      },
      context.trace,
    );
  }

  async function write(rows: OutboxRow[], span: Span, signal: AbortSignal | undefined): Promise<RecordedSum[]> {
    try {
      const recorded = await deps.outbox.submit(rows, signal);
      // A replayed call answers with the event first written for its request id, not the row's.
      const [first] = recorded;
      if (recorded.length === 1 && first) {
        span.setAttribute('messaging.message.id', first.eventId);
        span.setAttribute('calculator.replayed', first.replayed);
      }
      return recorded;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw callError(error, signal);
    } finally {
      span.end();
    }
  }

  function refuseWhilePaused(): void {
    const reason = deps.writeRefusal();
    if (reason !== null) throw new WritesPausedError(reason);
  }

  return {
    async calculateSum(input, context) {
      const valid = calculateSum(input);
      refuseWhilePaused();
      const span = startWriteSpan(context, 1);
      const [recorded] = await write(
        [toRow(valid, traceparentOf(span.spanContext()), nextCallId())],
        span,
        context.signal,
      );
      return recorded as RecordedSum;
    },
    async calculateSums(items, context) {
      const valid = calculateSums(items);
      refuseWhilePaused();
      const span = startWriteSpan(context, valid.length);
      const traceparent = traceparentOf(span.spanContext());
      const rows = new Array<OutboxRow>(valid.length);
      const callId = nextCallId();
      for (let i = 0; i < valid.length; i++) rows[i] = toRow(valid[i] as ValidSum, traceparent, callId);
      return write(rows, span, context.signal);
    },
  };
}
