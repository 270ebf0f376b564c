import { type RuleViolation, type SumCalculated, sumRules } from '@calculator/proto';
import { PoisonEventError } from '../errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// The latest instant a JS Date holds. Postgres' timestamptz reaches further (294276 AD), so every
// createdAt up to here is stored and read back intact.
const MAX_CREATED_AT_MS = 8_640_000_000_000_000;

function fail(field: string, reason: string): never {
  throw new PoisonEventError('invalid', `${field}: ${reason}`);
}

function check(violation: RuleViolation | undefined): void {
  if (violation) fail(violation.field, violation.reason);
}

function text(fields: Record<string, unknown>, field: string): string {
  const value = fields[field];
  if (typeof value !== 'string') fail(field, 'must be a string');
  check(sumRules.checkText(field, value));
  return value;
}

/**
 * Checks what the schema cannot, with the rules service-a enforces on its input: a decodable event
 * that no correct producer would write is poison. Returns exactly the fields of SumCalculated, so a
 * field that a newer writer schema added never reaches the database.
 */
export function validateEvent(value: unknown): SumCalculated {
  if (typeof value !== 'object' || value === null) fail('value', 'must be a record');
  const fields = value as Record<string, unknown>;

  const eventId = text(fields, 'eventId');
  if (!UUID.test(eventId)) fail('eventId', 'must be a UUID');

  const userId = text(fields, 'userId');
  check(sumRules.checkUserId(userId, 'userId'));

  const requestId = fields.requestId === null ? null : text(fields, 'requestId');
  if (requestId !== null) check(sumRules.checkRequestId(requestId, 'requestId'));

  const operands = fields.operands;
  if (!Array.isArray(operands) || !operands.every((operand) => typeof operand === 'number')) {
    fail('operands', 'must be an array of numbers');
  }
  check(sumRules.checkOperands(operands, 'operands'));

  const sum = fields.sum;
  if (typeof sum !== 'number') fail('sum', 'must be a number');
  check(sumRules.checkFinite('sum', sum));

  const createdAt = fields.createdAt;
  if (
    typeof createdAt !== 'number' ||
    !Number.isSafeInteger(createdAt) ||
    createdAt < 1 ||
    createdAt > MAX_CREATED_AT_MS
  ) {
    fail('createdAt', `must be epoch milliseconds from 1 to ${MAX_CREATED_AT_MS}`);
  }

  return { eventId, userId, operands, sum, requestId, createdAt };
}
