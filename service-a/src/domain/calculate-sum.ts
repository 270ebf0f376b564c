import { InvalidArgumentError } from '../errors.js';

export const MAX_USER_ID_LENGTH = 128;
export const MAX_REQUEST_ID_LENGTH = 128;
export const MAX_OPERANDS = 10_000;
const ID_PATTERN = /^[A-Za-z0-9._:@-]+$/;

export interface SumInput {
  userId: string;
  operands: readonly number[];
  requestId?: string | undefined;
}

export interface ValidSum {
  userId: string;
  operands: number[];
  sum: number;
  requestId: string | null;
}

function checkId(field: string, value: string, maxLength: number): void {
  if (value.length > maxLength) throw new InvalidArgumentError(field, `at most ${maxLength} characters`);
  if (!ID_PATTERN.test(value)) {
    throw new InvalidArgumentError(field, 'only letters, digits and . _ : @ - are allowed');
  }
}

/** Validates a request and computes its sum; pure, throws InvalidArgumentError naming the field. */
export function calculateSum(input: SumInput): ValidSum {
  if (input.userId.length === 0) throw new InvalidArgumentError('user_id', 'is required');
  checkId('user_id', input.userId, MAX_USER_ID_LENGTH);
  const requestId = input.requestId === undefined || input.requestId === '' ? null : input.requestId;
  if (requestId !== null) checkId('request_id', requestId, MAX_REQUEST_ID_LENGTH);
  if (input.operands.length > MAX_OPERANDS) {
    throw new InvalidArgumentError('operands', `at most ${MAX_OPERANDS} numbers`);
  }
  let sum = 0;
  input.operands.forEach((operand, index) => {
    if (!Number.isFinite(operand)) throw new InvalidArgumentError(`operands[${index}]`, 'must be a finite number');
    sum += operand;
  });
  if (!Number.isFinite(sum)) throw new InvalidArgumentError('operands', 'the sum overflows');
  return { userId: input.userId, operands: [...input.operands], sum, requestId };
}
