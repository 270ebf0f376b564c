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

/** Copies poison records, bytes untouched, to the dead-letter topic with why and where they came from. */
export function createDeadLetterPublisher(producer: KafkaJS.Producer, topic: string): DeadLetterPublisher {
  return {
    async publish(sourceTopic, letters) {
      if (letters.length === 0) return;
      await producer.send({
        topic,
        messages: letters.map((letter) => ({
          key: letter.key,
          value: letter.value,
          headers: {
            ...letter.headers,
            'dlq.reason': letter.error.reason,
            'dlq.error': letter.error.message,
            'dlq.source.topic': sourceTopic,
            'dlq.source.partition': String(letter.partition),
            'dlq.source.offset': letter.offset,
          },
        })),
      });
    },
  };
}
