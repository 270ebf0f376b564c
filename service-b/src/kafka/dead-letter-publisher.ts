import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { PoisonEventError } from '../errors.js';

export interface DeadLetter {
  error: PoisonEventError;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: KafkaJS.IHeaders;
}

export interface DeadLetterPublisher {
  /** Resolves once every dead letter is acknowledged by the broker (acks=all, idempotent producer). */
  publish(sourceTopic: string, letters: readonly DeadLetter[]): Promise<void>;
}

export interface DeadLetterPublisherOptions {
  producer: Pick<KafkaJS.Producer, 'send'>;
  topic: string;
  /**
   * The most bytes one dead letter may take (key, value and headers), below what the topic accepts
   * (the broker's message.max.bytes, 1 MB by default): a record that was just small enough for the
   * source topic still fits once the dlq.* headers are added.
   */
  maxBytes: number;
}

// Keys are user ids of at most 128 characters; one far longer is poison itself, and kept as a prefix.
const MAX_KEY_BYTES = 1024;
// Postgres and validation messages are short; one that quotes a huge value is cut.
const MAX_ERROR_LENGTH = 1000;

function headerBytes(headers: KafkaJS.IHeaders): number {
  let total = 0;
  for (const [name, value] of Object.entries(headers)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      total += Buffer.byteLength(name) + (typeof item === 'string' ? Buffer.byteLength(item) : item.length);
    }
  }
  return total;
}

function truncatedText(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength)}… (${text.length} characters)`;
}

/**
 * One dead letter as it is produced: the poison record's key, value and headers, bytes untouched,
 * plus why and where it came from. Whatever does not fit `maxBytes` is cut, and a header says so,
 * so the record of the poison is never lost to its size: first a huge key, then the original
 * headers when they alone would take half the budget, then the value.
 */
function toMessage(sourceTopic: string, letter: DeadLetter, maxBytes: number): KafkaJS.Message {
  const notes: KafkaJS.IHeaders = {};
  let key = letter.key;
  if (key !== null && key.length > MAX_KEY_BYTES) {
    notes['dlq.key.truncated'] = String(key.length);
    key = key.subarray(0, MAX_KEY_BYTES);
  }
  let original = letter.headers;
  if (headerBytes(original) > maxBytes / 2) {
    notes['dlq.headers.dropped'] = String(Object.keys(original).length);
    original = {};
  }
  const headers: KafkaJS.IHeaders = {
    ...original,
    'dlq.reason': letter.error.reason,
    'dlq.error': truncatedText(letter.error.message, MAX_ERROR_LENGTH),
    'dlq.source.topic': sourceTopic,
    'dlq.source.partition': String(letter.partition),
    'dlq.source.offset': letter.offset,
    ...notes,
  };
  let value = letter.value;
  if (value !== null) {
    // Room for the header this may add, too.
    const room = Math.max(0, maxBytes - (key?.length ?? 0) - headerBytes(headers) - 64);
    if (value.length > room) {
      headers['dlq.truncated'] = String(value.length);
      value = value.subarray(0, room);
    }
  }
  return { key, value, headers };
}

/** Copies poison records to the dead-letter topic with why and where they came from. */
export function createDeadLetterPublisher(options: DeadLetterPublisherOptions): DeadLetterPublisher {
  const { producer, topic, maxBytes } = options;
  return {
    async publish(sourceTopic, letters) {
      if (letters.length === 0) return;
      await producer.send({ topic, messages: letters.map((letter) => toMessage(sourceTopic, letter, maxBytes)) });
    },
  };
}
