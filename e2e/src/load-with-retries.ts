import { setTimeout as sleep } from 'node:timers/promises';
import type { CalculatorServiceClient } from '@calculator/proto';
import { ClientError, Status } from 'nice-grpc';

export interface LoadResult {
  /** event id -> sum of every call that was answered OK (after retries). */
  accepted: Map<string, { userId: string; sum: number }>;
  retries: number;
  failures: unknown[];
}

/**
 * `workers` concurrent clients, one user each, calling CalculateSum with a unique request id per
 * call for `durationMs`. UNAVAILABLE is retried with the same request id, which idempotency makes
 * safe, and so is a stream reset: when an instance dies after it has started its answer, nginx can
 * only reset the client's stream (INTERNAL "Received RST_STREAM"), and the call may or may not have
 * been committed. Anything else counts as a failure.
 */
export async function loadWithRetries(
  client: CalculatorServiceClient,
  options: { workers: number; durationMs: number; userPrefix: string },
): Promise<LoadResult> {
  const result: LoadResult = { accepted: new Map(), retries: 0, failures: [] };
  const deadline = Date.now() + options.durationMs;
  await Promise.all(
    Array.from({ length: options.workers }, async (_, worker) => {
      const userId = `${options.userPrefix}-${worker}`;
      for (let n = 0; Date.now() < deadline; n++) {
        const request = { userId, operands: [n, 1], requestId: `${userId}-${n}` };
        for (let attempt = 0; ; attempt++) {
          try {
            const answer = await client.calculateSum(request, { signal: AbortSignal.timeout(10_000) });
            result.accepted.set(answer.eventId, { userId, sum: answer.sum });
            break;
          } catch (error) {
            if (isRetryable(error) && attempt < 20) {
              result.retries++;
              await sleep(50 * (attempt + 1));
              continue;
            }
            result.failures.push(
              error instanceof ClientError ? { code: Status[error.code], details: error.details } : String(error),
            );
            break;
          }
        }
      }
    }),
  );
  return result;
}

function isRetryable(error: unknown): boolean {
  if (!(error instanceof ClientError)) return false;
  if (error.code === Status.UNAVAILABLE) return true;
  return error.code === Status.INTERNAL && error.details.startsWith('Received RST_STREAM');
}
