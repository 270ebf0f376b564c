import type { SumCalculated } from '@calculator/proto';
import type pg from 'pg';
import { OutboxUnavailableError } from '../errors.js';
import type { EventEncoder } from '../events/event-encoder.js';
import type { Metrics } from '../observability/metrics.js';

export interface OutboxWriter {
  /** Commits the event to the outbox; resolves only once it is durable, else throws OutboxUnavailableError. */
  append(event: SumCalculated, traceparent: string | null): Promise<void>;
}

const INSERT_EVENT = `
  INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, traceparent, created_at)
  VALUES ($1, 'user', $2, 'SumCalculated', $3, $4, to_timestamp($5::double precision / 1000))`;

/** One autocommit INSERT per event: the row is the whole transaction, so OK means committed. */
export function createOutboxWriter(pool: pg.Pool, encoder: EventEncoder, metrics: Metrics): OutboxWriter {
  return {
    async append(event, traceparent) {
      const stopTimer = metrics.outboxWriteDuration.startTimer();
      try {
        const payload = await encoder.encode(event);
        await pool.query(INSERT_EVENT, [event.eventId, event.userId, payload, traceparent, event.createdAt]);
        stopTimer({ outcome: 'committed' });
      } catch (error) {
        stopTimer({ outcome: 'failed' });
        throw new OutboxUnavailableError(error);
      }
    },
  };
}
