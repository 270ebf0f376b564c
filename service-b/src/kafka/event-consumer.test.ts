import type { SumCalculated } from '@calculator/proto';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { DeliveredEvent } from '../db/calculation-store.js';
import { PoisonEventError } from '../errors.js';
import { createMetrics } from '../observability/metrics.js';
import type { DeadLetter } from './dead-letter-publisher.js';
import { createEventConsumer } from './event-consumer.js';

const eventually = (check: () => void) => vi.waitFor(check, { interval: 2 });

const event = (n: number): SumCalculated => ({
  eventId: `019a8f3e-1c2b-7d4e-8f00-${String(n).padStart(12, '0')}`,
  userId: 'alice',
  operands: [n, 1],
  sum: n + 1,
  requestId: null,
  createdAt: Date.now(),
});

/** A record whose value is its event as JSON, or bytes the fake decoder calls poison. */
const record = (offset: number, value: SumCalculated | 'poison' = event(offset)): KafkaJS.KafkaMessage => ({
  key: Buffer.from('alice'),
  value: Buffer.from(value === 'poison' ? 'poison' : JSON.stringify(value)),
  timestamp: '0',
  attributes: 0,
  offset: String(offset),
  headers: { id: Buffer.from(`event-${offset}`) },
});

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

/**
 * Fakes of everything the consumer talks to, sharing one log of what happened in which order.
 * `refuse` holds event ids the "database" refuses for their data (as jsonb refuses a NUL);
 * `failures` makes the next calls of a dependency fail as if it were down.
 */
function setUp(options: { refuse?: string[] } = {}) {
  const log: string[] = [];
  const failures = { registry: 0, database: 0, deadLetters: 0, commit: 0 };
  const applied = new Set<string>();
  const letters: DeadLetter[] = [];
  const commits: KafkaJS.TopicPartitionOffsetAndMetadata[][] = [];
  let handler: ((payload: KafkaJS.EachBatchPayload) => Promise<void>) | undefined;
  let runConfig: KafkaJS.ConsumerRunConfig | undefined;

  const consumer = {
    connect: async () => {},
    subscribe: async () => {},
    disconnect: async () => {},
    run: async (config: KafkaJS.ConsumerRunConfig) => {
      runConfig = config;
      handler = config.eachBatch;
    },
    commitOffsets: async (offsets?: KafkaJS.TopicPartitionOffsetAndMetadata[]) => {
      if (failures.commit > 0) {
        failures.commit--;
        log.push('commit failed');
        throw Object.assign(new Error('Broker: Coordinator not available'), { code: 15 });
      }
      log.push(`commit ${offsets?.map((o) => o.offset).join()}`);
      commits.push(offsets ?? []);
    },
  };
  const decoder = {
    loadSchemas: async () => {
      if (failures.registry > 0) {
        failures.registry--;
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8081'), { status: 400 });
      }
    },
    decode: (value: Buffer | null): SumCalculated => {
      if (value?.toString() === 'poison') throw new PoisonEventError('undecodable', 'not the wire format');
      return JSON.parse(String(value)) as SumCalculated;
    },
  };
  const store = {
    applyBatch: async (deliveries: readonly DeliveredEvent[]) => {
      log.push(`apply ${deliveries.map((d) => d.offset).join()}`);
      if (failures.database > 0) {
        failures.database--;
        throw pgError('57P01', 'terminating connection due to administrator command');
      }
      const refused = deliveries.find((d) => options.refuse?.includes(d.event.eventId));
      if (refused) {
        throw Object.assign(pgError('22P05', 'unsupported Unicode escape sequence'), {
          detail: '\\u0000 cannot be converted to text.',
        });
      }
      const fresh = deliveries.map((d) => d.event).filter((e) => !applied.has(e.eventId));
      for (const e of fresh) applied.add(e.eventId);
      return fresh;
    },
  };
  const deadLetters = {
    publish: async (_topic: string, published: readonly DeadLetter[]) => {
      if (published.length === 0) return;
      if (failures.deadLetters > 0) {
        failures.deadLetters--;
        throw new Error('Broker: Leader not available');
      }
      log.push(`dead-letter ${published.map((l) => l.offset).join()}`);
      letters.push(...published);
    },
  };
  const metrics = createMetrics();
  const spans = new InMemorySpanExporter();
  const eventConsumer = createEventConsumer({
    consumer,
    topic: 'user-events',
    decoder,
    store,
    deadLetters,
    metrics,
    logger: pino({ level: 'silent' }),
    tracer: new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }).getTracer('test'),
    backoffMs: () => 1,
    partitionsAtOnce: 6,
  });

  let stale = false;
  /** Hands the consumer one batch of a partition (0 unless given), as the client's eachBatch does. */
  async function deliver(messages: KafkaJS.KafkaMessage[], partition = 0) {
    if (!handler) await eventConsumer.start();
    const batch = {
      topic: 'user-events',
      partition,
      highWatermark: '100',
      messages,
      isEmpty: () => messages.length === 0,
      firstOffset: () => messages[0]?.offset ?? null,
      lastOffset: () => messages.at(-1)?.offset ?? '-1',
      offsetLag: () => '0',
      offsetLagLow: () => '0',
    };
    await handler?.({
      batch,
      isRunning: () => true,
      isStale: () => stale,
      resolveOffset: () => {},
      heartbeat: async () => {},
      pause: () => () => {},
      commitOffsetsIfNecessary: async () => {},
    });
  }
  const outcome = async (name: string) =>
    (await metrics.eventsProcessed.get()).values.find((v) => v.labels.outcome === name)?.value ?? 0;

  return {
    deliver,
    eventConsumer,
    log,
    failures,
    applied,
    letters,
    commits,
    outcome,
    spans,
    runConfig: () => runConfig,
    setStale: (value: boolean) => {
      stale = value;
    },
  };
}

describe('createEventConsumer', () => {
  it('applies a batch in one transaction and commits the next offset once, after the apply', async () => {
    const { deliver, log, outcome } = setUp();
    await deliver([record(0), record(1), record(2)]);
    expect(log).toEqual(['apply 0,1,2', 'commit 3']);
    expect(await outcome('applied')).toBe(3);
    await deliver([record(1), record(2), record(3)]);
    expect(await outcome('duplicate')).toBe(2);
  });

  it('applies the batches of partitions handed over together in one transaction, and commits their offsets in one request', async () => {
    const { deliver, log, commits, outcome, runConfig } = setUp();
    await Promise.all([deliver([record(0), record(1)], 0), deliver([record(10), record(11)], 1)]);
    expect(runConfig()?.partitionsConsumedConcurrently).toBe(6);
    expect(log).toEqual(['apply 0,1,10,11', 'commit 2,12']);
    expect(commits).toEqual([
      [
        { topic: 'user-events', partition: 0, offset: '2' },
        { topic: 'user-events', partition: 1, offset: '12' },
      ],
    ]);
    expect(await outcome('applied')).toBe(4);
  });

  it('applies a batch handed over after a shared transaction began in the next one', async () => {
    const { deliver, log } = setUp();
    const first = deliver([record(0)], 0);
    await eventually(() => expect(log).toContain('apply 0'));
    await Promise.all([first, deliver([record(10)], 1), deliver([record(20)], 2)]);
    expect(log.filter((entry) => entry.startsWith('apply'))).toEqual(['apply 0', 'apply 10,20']);
  });

  it("when a shared transaction is refused for one partition's record, applies the other batch alone and halves the refused one", async () => {
    const { deliver, log, applied, letters, commits, outcome } = setUp({ refuse: [event(1).eventId] });
    await Promise.all([deliver([record(0), record(1)], 0), deliver([record(10), record(11)], 1)]);
    expect(log.slice(0, 3)).toEqual(['apply 0,1,10,11', 'apply 0,1', 'apply 10,11']);
    expect(log).toContain('apply 0');
    expect(log).toContain('apply 1');
    expect([...applied].sort()).toEqual([0, 10, 11].map((n) => event(n).eventId).sort());
    expect(letters.map((letter) => [letter.partition, letter.offset])).toEqual([[0, '1']]);
    expect(commits.flat().sort((a, b) => a.partition - b.partition)).toEqual([
      { topic: 'user-events', partition: 0, offset: '2' },
      { topic: 'user-events', partition: 1, offset: '12' },
    ]);
    expect(await outcome('applied')).toBe(3);
    expect(await outcome('dead_lettered')).toBe(1);
    expect(await outcome('duplicate')).toBe(0);
  });

  it('retries every batch of a shared transaction that failed for the database, applying each event once', async () => {
    const { deliver, log, failures, applied, outcome } = setUp();
    failures.database = 1;
    await Promise.all([deliver([record(0), record(1)], 0), deliver([record(10), record(11)], 1)]);
    expect(log[0]).toBe('apply 0,1,10,11');
    expect([...applied].sort()).toEqual([0, 1, 10, 11].map((n) => event(n).eventId).sort());
    expect(await outcome('applied')).toBe(4);
    expect(await outcome('duplicate')).toBe(0);
  });

  it('finds the record the database refuses by halving the batch: 4 applied, 1 dead-lettered, one commit after', async () => {
    const { deliver, log, applied, letters, commits, outcome } = setUp({ refuse: [event(3).eventId] });
    const messages = [0, 1, 2, 3, 4].map((n) => record(n));
    await deliver(messages);
    expect(log).toEqual([
      'apply 0,1,2,3,4',
      'apply 0,1,2',
      'apply 3,4',
      'apply 3',
      'apply 4',
      'dead-letter 3',
      'commit 5',
    ]);
    expect([...applied]).toEqual([0, 1, 2, 4].map((n) => event(n).eventId));
    expect(letters).toHaveLength(1);
    expect(letters[0]?.offset).toBe('3');
    expect(letters[0]?.error.reason).toBe('rejected-by-database');
    expect(letters[0]?.error.message).toBe(
      'unsupported Unicode escape sequence: \\u0000 cannot be converted to text. (SQLSTATE 22P05)',
    );
    expect(letters[0]?.value).toBe(messages[3]?.value);
    expect(letters[0]?.headers).toEqual({ id: Buffer.from('event-3') });
    expect(commits).toEqual([[{ topic: 'user-events', partition: 0, offset: '5' }]]);
    expect(await outcome('applied')).toBe(4);
    expect(await outcome('dead_lettered')).toBe(1);
    expect(await outcome('duplicate')).toBe(0);
  });

  it('dead-letters every refused record of a batch, in offset order, with the decode-time poison', async () => {
    const { deliver, letters, applied, log } = setUp({ refuse: [event(1).eventId, event(4).eventId] });
    await deliver([record(0), record(1), record(2, 'poison'), record(3), record(4)]);
    expect(letters.map((l) => [l.offset, l.error.reason])).toEqual([
      ['1', 'rejected-by-database'],
      ['2', 'undecodable'],
      ['4', 'rejected-by-database'],
    ]);
    expect([...applied]).toEqual([event(0).eventId, event(3).eventId]);
    expect(log.filter((line) => line.startsWith('commit'))).toEqual(['commit 5']);
  });

  it('opens a span per record under the traceparent it carries, closed with what became of it', async () => {
    const { deliver, spans } = setUp({ refuse: [event(3).eventId] });
    const traced = (offset: number, value?: SumCalculated | 'poison') => {
      const message = record(offset, value);
      message.headers = {
        traceparent: Buffer.from(`00-4bf92f3577b34da6a3ce929d0e0e4736-00000000000000${offset}${offset}-01`),
      };
      return message;
    };
    await deliver([traced(1), traced(2, 'poison'), traced(3)]);
    await deliver([traced(1)]);
    const finished = spans.getFinishedSpans();
    const outcomes = finished.map((span) => [
      span.parentSpanContext?.spanId,
      span.attributes['calculator.outcome'],
      span.status.code,
    ]);
    expect(outcomes).toEqual([
      ['0000000000000022', 'dead_lettered', SpanStatusCode.ERROR],
      ['0000000000000033', 'dead_lettered', SpanStatusCode.ERROR],
      ['0000000000000011', 'applied', SpanStatusCode.UNSET],
      ['0000000000000011', 'duplicate', SpanStatusCode.UNSET],
    ]);
    expect(finished[0]?.kind).toBe(SpanKind.CONSUMER);
    expect(finished[0]?.name).toBe('process user-events');
    expect(finished[0]?.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(finished[0]?.attributes['messaging.kafka.offset']).toBe(2);
  });

  it('closes the span of a second copy of an event in the same batch as a duplicate', async () => {
    const { deliver, spans } = setUp();
    await deliver([record(1), record(2, event(1))]);
    expect(spans.getFinishedSpans().map((span) => span.attributes['calculator.outcome'])).toEqual([
      'applied',
      'duplicate',
    ]);
  });

  it('closes every span of a batch that fails unexpectedly as an error, for the redelivery to trace anew', async () => {
    const { deliver, spans } = setUp();
    const notJson = { ...record(2), value: Buffer.from('{') };
    await expect(deliver([record(1), notJson])).rejects.toThrow(SyntaxError);
    const finished = spans.getFinishedSpans();
    expect(finished).toHaveLength(2);
    expect(finished.every((span) => span.status.code === SpanStatusCode.ERROR)).toBe(true);
  });

  it('dead-letters poison found while decoding, and applies the records behind it', async () => {
    const { deliver, log, letters } = setUp();
    await deliver([record(0), record(1, 'poison'), record(2)]);
    expect(log).toEqual(['apply 0,2', 'dead-letter 1', 'commit 3']);
    expect(letters[0]?.error.reason).toBe('undecodable');
  });

  it('retries in place while the database is down, says so, and goes on once it is back', async () => {
    const { deliver, eventConsumer, failures, log } = setUp();
    failures.database = Number.POSITIVE_INFINITY;
    const done = deliver([record(0), record(1)]);
    await eventually(() =>
      expect(eventConsumer.stallReason()).toBe('the database is unreachable; the consumer is retrying with backoff'),
    );
    expect(log).not.toContain('commit 2');
    failures.database = 0;
    await done;
    expect(log.at(-1)).toBe('commit 2');
    expect(eventConsumer.stallReason()).toBeUndefined();
  });

  it('retries in place while the schema registry is down, naming it, and never dead-letters for it', async () => {
    const { deliver, eventConsumer, failures, letters, log } = setUp();
    failures.registry = Number.POSITIVE_INFINITY;
    const done = deliver([record(0)]);
    await eventually(() =>
      expect(eventConsumer.stallReason()).toBe(
        'the schema registry is unreachable; the consumer is retrying with backoff',
      ),
    );
    failures.registry = 0;
    await done;
    expect(letters).toEqual([]);
    expect(log).toEqual(['apply 0', 'commit 1']);
  });

  it('does not commit past poison until its dead letter is published', async () => {
    const { deliver, eventConsumer, failures, log } = setUp();
    failures.deadLetters = Number.POSITIVE_INFINITY;
    const done = deliver([record(0, 'poison'), record(1)]);
    await eventually(() => expect(eventConsumer.stallReason()).toMatch(/^dead letters cannot be published/));
    expect(log).toEqual(['apply 1']);
    failures.deadLetters = 0;
    await done;
    expect(log).toEqual(['apply 1', 'dead-letter 0', 'commit 2']);
  });

  it('retries a failed commit a few times, then goes on without it rather than hold up the partition', async () => {
    const { deliver, eventConsumer, failures, log } = setUp();
    failures.commit = 2;
    await deliver([record(0)]);
    expect(log).toEqual(['apply 0', 'commit failed', 'commit failed', 'commit 1']);
    failures.commit = Number.POSITIVE_INFINITY;
    await deliver([record(1)]);
    expect(log.filter((line) => line === 'commit failed')).toHaveLength(2 + 5);
    expect(eventConsumer.stallReason()).toBeUndefined();
  });

  it('leaves the batch uncommitted when closed while retrying, so the client redelivers it', async () => {
    const { deliver, eventConsumer, failures, log } = setUp();
    failures.database = Number.POSITIVE_INFINITY;
    const done = deliver([record(0)]);
    await eventually(() => expect(eventConsumer.stallReason()).toBeDefined());
    await eventConsumer.close();
    await expect(done).rejects.toThrow('terminating connection due to administrator command');
    expect(log.some((line) => line.startsWith('commit'))).toBe(false);
  });

  it('leaves a batch that went stale (the partition may have moved) without committing it', async () => {
    const { deliver, failures, log, setStale } = setUp();
    failures.database = Number.POSITIVE_INFINITY;
    const done = deliver([record(0)]);
    await eventually(() => expect(log.length).toBeGreaterThan(1));
    setStale(true);
    await expect(done).rejects.toThrow();
    expect(log.some((line) => line.startsWith('commit'))).toBe(false);
  });

  it('pauses before handing an unexpected error to the client, which redelivers the batch', async () => {
    const { deliver } = setUp();
    const notJson = { ...record(0), value: Buffer.from('{') };
    await expect(deliver([notJson])).rejects.toThrow(SyntaxError);
  });
});
