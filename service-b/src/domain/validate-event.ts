import type { SumCalculated } from '@calculator/proto';
import { PoisonEventError } from '../errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks what the schema cannot: a decodable event that no correct producer would write is poison. */
export function validateEvent(event: SumCalculated): SumCalculated {
  const fail = (why: string): never => {
    throw new PoisonEventError('invalid', why);
  };
  if (!UUID.test(event.eventId)) fail(`eventId is not a UUID: ${JSON.stringify(event.eventId)}`);
  if (event.userId.length === 0) fail('userId is empty');
  if (!event.operands.every(Number.isFinite)) fail('an operand is not finite');
  if (!Number.isFinite(event.sum)) fail('sum is not finite');
  if (!Number.isSafeInteger(event.createdAt) || event.createdAt <= 0) fail('createdAt is not a timestamp');
  return event;
}
