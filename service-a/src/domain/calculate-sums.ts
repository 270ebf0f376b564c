import { InvalidArgumentError } from '../errors.js';
import { calculateSum, type SumInput, type ValidSum } from './calculate-sum.js';

export const MAX_BATCH_ITEMS = 1000;

/** Validates every item of a batch call; the first bad one fails the whole call, named by its index. */
export function calculateSums(items: readonly SumInput[]): ValidSum[] {
  if (items.length === 0) throw new InvalidArgumentError('items', 'at least one item is required');
  if (items.length > MAX_BATCH_ITEMS) throw new InvalidArgumentError('items', `at most ${MAX_BATCH_ITEMS} items`);
  return items.map((item, index) => {
    try {
      return calculateSum(item);
    } catch (error) {
      if (error instanceof InvalidArgumentError) {
        throw new InvalidArgumentError(`items[${index}].${error.field}`, error.reason);
      }
      throw error;
    }
  });
}
