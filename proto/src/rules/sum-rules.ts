/**
 * A broken rule: the field (named as the caller's contract names it) and why, e.g.
 * `{ field: 'operands[1]', reason: 'must be a finite number' }`.
 */
export interface RuleViolation {
  readonly field: string;
  readonly reason: string;
}

const ID_PATTERN = /^[A-Za-z0-9._:@-]+$/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkId(field: string, value: string, maxLength: number): RuleViolation | undefined {
  if (value.length > maxLength) return { field, reason: `at most ${maxLength} characters` };
  if (!ID_PATTERN.test(value)) return { field, reason: 'only letters, digits and . _ : @ - are allowed' };
  return undefined;
}

const NOT_FINITE = 'must be a finite number';

function checkFinite(field: string, value: number): RuleViolation | undefined {
  return Number.isFinite(value) ? undefined : { field, reason: NOT_FINITE };
}

/**
 * What makes a calculation acceptable: service-a enforces it on every request, service-b checks
 * every event against it, so an event service-a could never have written is refused as invalid.
 * Field names default to the gRPC contract's; service-b passes the event's.
 */
export const sumRules = Object.freeze({
  maxUserIdLength: 128,
  maxRequestIdLength: 128,
  maxOperands: 10_000,

  checkUserId(userId: string, field = 'user_id'): RuleViolation | undefined {
    if (userId.length === 0) return { field, reason: 'is required' };
    return checkId(field, userId, sumRules.maxUserIdLength);
  },

  /** A request id that is present; absent (null, or empty in the request) is always fine. */
  checkRequestId(requestId: string, field = 'request_id'): RuleViolation | undefined {
    return checkId(field, requestId, sumRules.maxRequestIdLength);
  },

  /** The operand count, then the first operand that is NaN or infinite, named by its index. */
  checkOperands(operands: readonly number[], field = 'operands'): RuleViolation | undefined {
    if (operands.length > sumRules.maxOperands) return { field, reason: `at most ${sumRules.maxOperands} numbers` };
    // Indexed, and the field name built only on failure: this runs on service-a's hot path.
    for (let index = 0; index < operands.length; index++) {
      if (!Number.isFinite(operands[index])) return { field: `${field}[${index}]`, reason: NOT_FINITE };
    }
    return undefined;
  },

  /** Finite operands can still add up to ±Infinity. */
  checkSum(sum: number, field = 'operands'): RuleViolation | undefined {
    return Number.isFinite(sum) ? undefined : { field, reason: 'the sum overflows' };
  },

  checkFinite,

  /**
   * Text Postgres cannot store or JSON cannot carry: a NUL character, or half of a UTF-16
   * surrogate pair (both make jsonb refuse the whole statement).
   */
  checkText(field: string, value: string): RuleViolation | undefined {
    if (value.includes('\u0000')) return { field, reason: 'contains a NUL character' };
    if (LONE_SURROGATE.test(value)) return { field, reason: 'contains an unpaired UTF-16 surrogate' };
    return undefined;
  },
});
