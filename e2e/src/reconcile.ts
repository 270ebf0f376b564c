import { expect } from 'vitest';
import { eventually, getServiceB } from './stack.js';

export interface Summary {
  userId: string;
  calculationCount: number;
  total: number;
}

export async function summaryOf(userId: string): Promise<Summary | undefined> {
  const { status, body } = await getServiceB<Summary>(`/v1/users/${encodeURIComponent(userId)}/summary`);
  return status === 200 ? body : undefined;
}

/** Waits until service-b shows at least `count` calculations for the user, then checks exactly that. */
export async function expectSettledSummary(userId: string, count: number, total: number): Promise<void> {
  await eventually(
    `${count} calculation(s) for ${userId}`,
    async () => {
      const summary = await summaryOf(userId);
      return summary && summary.calculationCount >= count ? summary : undefined;
    },
    60_000,
  );
  expect(await summaryOf(userId)).toEqual({ userId, calculationCount: count, total });
}

/** The reconciliation invariant: per user, the OK answers' count and sum equal what service-b stored. */
export async function expectEveryAcceptedCallOnce(accepted: Map<string, { userId: string; sum: number }>) {
  const perUser = new Map<string, { count: number; total: number }>();
  for (const { userId, sum } of accepted.values()) {
    const entry = perUser.get(userId) ?? { count: 0, total: 0 };
    perUser.set(userId, { count: entry.count + 1, total: entry.total + sum });
  }
  for (const [userId, { count, total }] of perUser) await expectSettledSummary(userId, count, total);
}

interface StoredCalculation {
  seq: string;
  sum: number;
}

/** Every calculation service-b stored for the user, in the order it applied them (oldest first). */
export async function calculationsInApplyOrder(userId: string): Promise<StoredCalculation[]> {
  const all: StoredCalculation[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${cursor}` : '';
    const { body } = await getServiceB<{ items: StoredCalculation[]; nextCursor: string | null }>(
      `/v1/users/${encodeURIComponent(userId)}/calculations?limit=100${query}`,
    );
    all.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return all.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
}

/**
 * Per-user order: loadWithRetries' worker n calls with operands [n, 1] one call after the other, so
 * service-b must have applied sums 1, 2, 3, ... in that order, with no gap and no repeat.
 */
export async function expectAppliedInCallOrder(accepted: Map<string, { userId: string; sum: number }>) {
  const callsPerUser = new Map<string, number>();
  for (const { userId } of accepted.values()) callsPerUser.set(userId, (callsPerUser.get(userId) ?? 0) + 1);
  for (const [userId, calls] of callsPerUser) {
    const sums = (await calculationsInApplyOrder(userId)).map((c) => c.sum);
    expect(sums, userId).toEqual(Array.from({ length: calls }, (_, n) => n + 1));
  }
}
