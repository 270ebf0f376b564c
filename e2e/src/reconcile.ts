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
