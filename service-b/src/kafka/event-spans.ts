import { contextFromTraceparent } from '@calculator/proto';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { type Span, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';

export type EventOutcome = 'applied' | 'duplicate' | 'dead_lettered';

export interface EventSpans {
  /** Closes the span of the record at `offset` with what became of it. */
  end(offset: string, outcome: EventOutcome): void;
  /** Closes every span still open: the batch failed and will be delivered again. */
  fail(error: unknown): void;
}

function headerText(value: KafkaJS.IHeaders[string]): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? null : first.toString();
}

/**
 * One span per record of a batch, from its receipt to its offset commit, each the child of the
 * `traceparent` header the event carried from service-a's outbox write through Debezium and Kafka.
 */
export function startEventSpans(
  tracer: Tracer,
  topic: string,
  partition: number,
  messages: readonly KafkaJS.KafkaMessage[],
): EventSpans {
  const open = new Map<string, Span>();
  for (const message of messages) {
    const span = tracer.startSpan(
      `process ${topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': topic,
          'messaging.destination.partition.id': String(partition),
          'messaging.kafka.offset': Number(message.offset),
        },
      },
      contextFromTraceparent(headerText(message.headers?.traceparent)),
    );
    open.set(message.offset, span);
  }
  return {
    end(offset, outcome) {
      const span = open.get(offset);
      if (!span) return;
      span.setAttribute('calculator.outcome', outcome);
      if (outcome === 'dead_lettered') span.setStatus({ code: SpanStatusCode.ERROR, message: 'dead-lettered' });
      span.end();
      open.delete(offset);
    },
    fail(error) {
      for (const span of open.values()) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        span.end();
      }
      open.clear();
    },
  };
}
