import type { CalculatorServiceImplementation } from '@calculator/proto';
import type { OutboxWriter } from '../db/outbox-writer.js';
import { calculateSum } from '../domain/calculate-sum.js';

export interface CalculatorServiceDeps {
  outbox: OutboxWriter;
  newEventId: () => string;
  now: () => number;
}

/** CalculateSum: validate, compute, record the event, answer. Errors go to map-errors.ts. */
export function createCalculatorService(deps: CalculatorServiceDeps): CalculatorServiceImplementation {
  return {
    async calculateSum(request, context) {
      const valid = calculateSum(request);
      const eventId = deps.newEventId();
      const traceparent = context.metadata.get('traceparent') ?? null;
      await deps.outbox.append({ eventId, ...valid, createdAt: deps.now() }, traceparent);
      return { sum: valid.sum, eventId };
    },
  };
}
