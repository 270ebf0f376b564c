import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';

/** Start-up dependencies may come up after us: retry with capped exponential backoff until `task` succeeds. */
export async function retryUntilDone<T>(task: () => Promise<T>, logger: Logger, what: string): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      const delayMs = Math.min(5000, 100 * 2 ** attempt);
      logger.warn({ err: error, attempt, delayMs }, `could not ${what}; retrying`);
      await sleep(delayMs);
    }
  }
}
