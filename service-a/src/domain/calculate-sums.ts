import { InvalidArgumentError, RequestIdReusedError } from '../errors.js';
import { calculateSum, type SumInput, type ValidSum } from './calculate-sum.js';

export const MAX_BATCH_ITEMS = 1000;

/** Validates every item of a batch call; the first bad one fails the whole call, named by its index. */
export function calculateSums(items: readonly SumInput[]): ValidSum[] {
  if (items.length === 0) throw new InvalidArgumentError('items', 'at least one item is required');
  if (items.length > MAX_BATCH_ITEMS) throw new InvalidArgumentError('items', `at most ${MAX_BATCH_ITEMS} items`);
  const valid = items.map((item, index) => {
    try {
      return calculateSum(item);
    } catch (error) {
      if (error instanceof InvalidArgumentError) {
        throw new InvalidArgumentError(`items[${index}].${error.field}`, error.reason);
      }
      throw error;
    }
  });
  refuseRequestIdsReusedWithin(valid);
  return valid;
}

/**
 * Two items with one (user id, request id) but different operands: the second could only be
 * refused after the first was written, so the whole call is refused before anything is. The
 * same item twice is allowed, and the second answers as a replay of the first.
 */
function refuseRequestIdsReusedWithin(valid: readonly ValidSum[]): void {
  const seen = new Map<string, number[]>();
  for (const { userId, requestId, operands } of valid) {
    if (requestId === null) continue;
    const key = `${userId}\u0000${requestId}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, operands);
    else if (first.length !== operands.length || first.some((operand, i) => !Object.is(operand, operands[i]))) {
      throw new RequestIdReusedError(requestId);
    }
  }
}
