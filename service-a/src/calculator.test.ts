import { contextFromTraceparent, type SumCalculated } from '@calculator/proto';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { createCalculator } from './calculator.js';
import type { OutboxRow, RecordedSum } from './db/outbox-insert.js';
import { inputDigest } from './domain/input-digest.js';
import { OutboxUnavailableError, OverloadedError, RequestIdReusedError, WritesPausedError } from './errors.js';
import type { GroupCommit } from './group-commit.js';

function setUp(options: { submit?: GroupCommit<OutboxRow, RecordedSum>['submit']; refusal?: string | null } = {}) {
  const submitted: OutboxRow[][] = [];
  const encoded: SumCalculated[] = [];
  let ids = 0;
  const outbox: GroupCommit<OutboxRow, RecordedSum> = {
    submit: async (rows, signal) => {
      submitted.push(rows);
      if (options.submit) return options.submit(rows, signal);
      return rows.map((row) => ({ eventId: row.eventId, sum: row.sum, replayed: false }));
    },
    queuedRows: () => 0,
    drain: async () => {},
  };
  const spans = new InMemorySpanExporter();
  const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }).getTracer(
    'test',
  );
  const calculator = createCalculator({
    encoder: {
      register: async () => 1,
      encode: (event) => {
        encoded.push(event);
        return Buffer.from(event.eventId);
      },
    },
    outbox,
    newEventId: () => `e${++ids}`,
    now: () => 1_700_000_000_000,
    writeRefusal: () => options.refusal ?? null,
    tracer,
    topic: 'user-events',
  });
  return { calculator, submitted, encoded, spans };
}

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const context = { trace: contextFromTraceparent(`00-${CALLER_TRACE}-${CALLER_SPAN}-01`) };

describe('createCalculator', () => {
  it('writes one row with the encoded event and answers its sum and event id', async () => {
    const { calculator, submitted, encoded, spans } = setUp();
    expect(await calculator.calculateSum({ userId: 'alice', operands: [1, 2] }, context)).toEqual({
      eventId: 'e1',
      sum: 3,
      replayed: false,
    });
    expect(encoded).toEqual([
      { eventId: 'e1', userId: 'alice', operands: [1, 2], sum: 3, requestId: null, createdAt: 1_700_000_000_000 },
    ]);
    expect(submitted).toEqual([
      [
        {
          eventId: 'e1',
          userId: 'alice',
          requestId: null,
          sum: 3,
          payload: Buffer.from('e1'),
          traceparent: `00-${CALLER_TRACE}-${spans.getFinishedSpans()[0]?.spanContext().spanId}-01`,
          createdAt: 1_700_000_000_000,
          inputDigest: null,
          callId: 1,
        },
      ],
    ]);
  });

  it("records the write as a span under the call's, and the row carries the write's traceparent", async () => {
    const { calculator, submitted, spans } = setUp();
    await calculator.calculateSum({ userId: 'alice', operands: [1, 2] }, context);
    const [write] = spans.getFinishedSpans();
    expect(write?.name).toBe('outbox write');
    expect(write?.kind).toBe(SpanKind.PRODUCER);
    expect(write?.spanContext().traceId).toBe(CALLER_TRACE);
    expect(write?.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(write?.attributes['messaging.destination.name']).toBe('user-events');
    expect(write?.attributes['messaging.message.id']).toBe('e1');
    expect(submitted[0]?.[0]?.traceparent).toBe(`00-${CALLER_TRACE}-${write?.spanContext().spanId}-01`);
  });

  it("names the event first written for a replayed request id on the write's span, not the new row's", async () => {
    const { calculator, spans } = setUp({
      submit: async () => [{ eventId: 'first-event', sum: 3, replayed: true }],
    });
    await calculator.calculateSum({ userId: 'alice', operands: [1, 2], requestId: 'r-1' }, context);
    const [write] = spans.getFinishedSpans();
    expect(write?.attributes['messaging.message.id']).toBe('first-event');
    expect(write?.attributes['calculator.replayed']).toBe(true);
  });

  it('gives every row of a batch the one write span, and marks a failed write on it', async () => {
    const { calculator, submitted, spans } = setUp();
    await calculator.calculateSums(
      [
        { userId: 'a', operands: [1] },
        { userId: 'b', operands: [2] },
      ],
      context,
    );
    const [write] = spans.getFinishedSpans();
    expect(write?.attributes['messaging.batch.message_count']).toBe(2);
    expect(new Set(submitted[0]?.map((row) => row.traceparent))).toEqual(
      new Set([`00-${CALLER_TRACE}-${write?.spanContext().spanId}-01`]),
    );

    const down = setUp({ submit: () => Promise.reject(new Error('connection refused')) });
    await expect(down.calculator.calculateSum({ userId: 'a', operands: [1] }, context)).rejects.toThrow();
    expect(down.spans.getFinishedSpans()[0]?.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'connection refused',
    });
  });

  it('remembers the digest of the input when the call carries a request id', async () => {
    const { calculator, submitted } = setUp();
    await calculator.calculateSum({ userId: 'alice', operands: [1, 2], requestId: 'r-1' }, context);
    expect(submitted[0]?.[0]?.inputDigest).toEqual(inputDigest('alice', [1, 2]));
  });

  it('writes a batch as one unit, in order', async () => {
    const { calculator, submitted } = setUp();
    const answers = await calculator.calculateSums(
      [
        { userId: 'a', operands: [1] },
        { userId: 'b', operands: [2, 3], requestId: 'r' },
      ],
      context,
    );
    expect(answers.map((a) => a.sum)).toEqual([1, 5]);
    expect(submitted).toHaveLength(1);
    expect(submitted[0]?.map((row) => row.userId)).toEqual(['a', 'b']);
  });

  it('refuses writes while they are paused, writing nothing', async () => {
    const { calculator, submitted } = setUp({ refusal: 'replication slot "s" does not exist' });
    await expect(calculator.calculateSum({ userId: 'alice', operands: [1] }, context)).rejects.toBeInstanceOf(
      WritesPausedError,
    );
    await expect(calculator.calculateSums([{ userId: 'alice', operands: [1] }], context)).rejects.toThrow(
      'writes are paused: replication slot "s" does not exist; retry later',
    );
    expect(submitted).toEqual([]);
  });

  it('still answers bad input with INVALID_ARGUMENT while writes are paused', async () => {
    const { calculator } = setUp({ refusal: 'paused' });
    await expect(calculator.calculateSum({ userId: '', operands: [1] }, context)).rejects.toThrow(
      'user_id: is required',
    );
  });

  it('answers a failed write as OutboxUnavailableError, keeping coded errors as they are', async () => {
    const down = setUp({ submit: () => Promise.reject(new Error('connection refused')) });
    await expect(down.calculator.calculateSum({ userId: 'a', operands: [1] }, context)).rejects.toBeInstanceOf(
      OutboxUnavailableError,
    );
    const reused = setUp({ submit: () => Promise.reject(new RequestIdReusedError('r')) });
    await expect(
      reused.calculator.calculateSum({ userId: 'a', operands: [1], requestId: 'r' }, context),
    ).rejects.toBeInstanceOf(RequestIdReusedError);
    const full = setUp({ submit: () => Promise.reject(new OverloadedError(10)) });
    await expect(full.calculator.calculateSums([{ userId: 'a', operands: [1] }], context)).rejects.toBeInstanceOf(
      OverloadedError,
    );
  });

  it('passes the abort reason through when the caller went away', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const { calculator } = setUp({
      submit: () => {
        controller.abort(reason);
        return Promise.reject(reason);
      },
    });
    await expect(
      calculator.calculateSum({ userId: 'a', operands: [1] }, { signal: controller.signal, trace: context.trace }),
    ).rejects.toBe(reason);
  });
});
