import { type RuleViolation, sumRules } from '@calculator/proto';
import { InvalidArgumentError } from '../errors.js';

export const MAX_USER_ID_LENGTH = sumRules.maxUserIdLength;
export const MAX_REQUEST_ID_LENGTH = sumRules.maxRequestIdLength;
export const MAX_OPERANDS = sumRules.maxOperands;

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

function refuse(violation: RuleViolation | undefined): void {
  if (violation) throw new InvalidArgumentError(violation.field, violation.reason);
}

/**
 * Validates a request and computes its sum; pure, throws InvalidArgumentError naming the field.
 * The rules are the shared ones service-b checks every event against.
 */
export function calculateSum(input: SumInput): ValidSum {
  refuse(sumRules.checkUserId(input.userId));
  const requestId = input.requestId === undefined || input.requestId === '' ? null : input.requestId;
  if (requestId !== null) refuse(sumRules.checkRequestId(requestId));
  refuse(sumRules.checkOperands(input.operands));
  let sum = 0;
  for (const operand of input.operands) sum += operand;
  refuse(sumRules.checkSum(sum));
  return { userId: input.userId, operands: [...input.operands], sum, requestId };
}
