import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  dashboardProblems,
  expandExpr,
  legendLabels,
  type Panel,
  queryPanels,
  readDashboard,
  type Target,
} from './grafana-dashboard.js';
import { produceRecord } from './kafka-records.js';
import { calculatorClient, eventually, freshUserId, stack } from './stack.js';

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(promql: string): Promise<{ status: string; error?: string; result: Sample[] }> {
  const response = await fetch(`${stack.prometheusUrl}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: promql }),
  });
  const body = (await response.json()) as { status: string; error?: string; data?: { result: Sample[] } };
  return { status: body.status, error: body.error, result: body.data?.result ?? [] };
}

const CALLS_PER_SECOND = 50;
const LOAD_MS = 20_000;

/** CalculateSum through nginx at a steady rate, each call with its own request id; the answers' codes. */
async function steadyGrpcLoad(): Promise<string[]> {
  const { client, close } = calculatorClient();
  const users = Array.from({ length: 20 }, () => freshUserId('dashboard'));
  const calls: Promise<string>[] = [];
  const start = Date.now();
  try {
    for (let n = 0; n < (CALLS_PER_SECOND * LOAD_MS) / 1000; n++) {
      const userId = users[n % users.length] ?? 'dashboard';
      calls.push(
        client
          .calculateSum(
            { userId, operands: [n, 1], requestId: `${userId}-${n}` },
            { signal: AbortSignal.timeout(10_000) },
          )
          .then(
            () => 'OK',
            (error: unknown) => String(error),
          ),
      );
      await sleep(Math.max(0, start + ((n + 1) * 1000) / CALLS_PER_SECOND - Date.now()));
    }
    return await Promise.all(calls);
  } finally {
    close();
  }
}

/**
 * POST /v1/sum through nginx once a second while the gRPC load runs, and after each, on every
 * service-b instance, the user's summary, the calculation sent the second before by its event id and
 * a page of the user's calculations: the POST statuses, and service-b's (a 404 while a calculation is
 * not applied yet).
 */
async function httpCalls(): Promise<{ sum: number[]; serviceB: number[] }> {
  const userId = freshUserId('dashboard-http');
  const statuses = { sum: [] as number[], serviceB: [] as number[] };
  let previousEventId: string | undefined;
  for (let n = 0; n < LOAD_MS / 1000; n++) {
    const response = await fetch(`${stack.httpApiUrl}/v1/sum`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId, operands: [n, 2], requestId: `${userId}-${n}` }),
    });
    statuses.sum.push(response.status);
    // The calculation sent a second before, which service-b has most likely applied by now.
    const eventId = previousEventId;
    previousEventId = ((await response.json()) as { eventId?: string }).eventId;
    for (const url of stack.serviceBUrls) {
      for (const path of [
        `/v1/users/${userId}/summary`,
        `/v1/calculations/${eventId ?? previousEventId}`,
        `/v1/users/${userId}/calculations?limit=5`,
      ]) {
        const answer = await fetch(`${url}${path}`);
        await answer.arrayBuffer();
        statuses.serviceB.push(answer.status);
      }
    }
    await sleep(1000);
  }
  return statuses;
}

/** What is wrong with one panel target's answer, or undefined when it is what the panel needs. */
function problemOf(answer: Awaited<ReturnType<typeof query>>, target: Target): string | undefined {
  if (answer.status !== 'success') return `the query fails: ${answer.error}`;
  if (answer.result.length === 0) return 'no series';
  if (!answer.result.some((sample) => Number.isFinite(Number(sample.value[1])))) return 'only NaN or infinite values';
  const missing = legendLabels(target.legendFormat).filter((label) =>
    answer.result.some((sample) => sample.metric[label] === undefined),
  );
  return missing.length > 0 ? `series without the legend's label(s) ${missing.join(', ')}` : undefined;
}

const dashboard = readDashboard();
const panelTargets = queryPanels(dashboard).flatMap((panel: Panel) =>
  (panel.targets ?? []).map((target) => ({ panel, target, expr: expandExpr(target.expr, dashboard) })),
);
const byTitle = (title: string) => panelTargets.find(({ panel }) => panel.title === title);

describe('the Grafana dashboard against the real Prometheus', () => {
  let grpcCodes: string[] = [];
  let httpStatuses = { sum: [] as number[], serviceB: [] as number[] };

  beforeAll(async () => {
    // One poison record, so the dead-letter panels have one to show.
    await produceRecord(stack.topic, {
      partition: 0,
      key: Buffer.from('dashboard-poison'),
      value: Buffer.from('not an avro record'),
      headers: { id: Buffer.from(randomUUID()) },
    });
    [grpcCodes, httpStatuses] = await Promise.all([steadyGrpcLoad(), httpCalls()]);
    // Two scrapes (5 s apart) after the load, so every rate over 1m holds it.
    await sleep(10_000);
  });

  it('is sound: unique ids, a data source and a query on every panel, no overlapping panels', () => {
    expect(dashboardProblems(dashboard)).toEqual([]);
    expect(panelTargets.length).toBeGreaterThan(0);
  });

  it('carried the load it is tested with', () => {
    expect(grpcCodes.filter((code) => code !== 'OK')).toEqual([]);
    expect(grpcCodes).toHaveLength((CALLS_PER_SECOND * LOAD_MS) / 1000);
    expect(httpStatuses.sum.filter((status) => status !== 200)).toEqual([]);
    expect(httpStatuses.serviceB.filter((status) => status !== 200 && status !== 404)).toEqual([]);
    expect(httpStatuses.serviceB).toContain(200);
  });

  it('answers every panel query with series, as Grafana would send it', async () => {
    const problemsOf = async (targets: typeof panelTargets) =>
      Promise.all(
        targets.map(async (entry) => ({ ...entry, problem: problemOf(await query(entry.expr), entry.target) })),
      );
    let failing = (await problemsOf(panelTargets)).filter(({ problem }) => problem !== undefined);
    // A series can need one more scrape (5 s) after the load; a query that errors will not heal.
    for (let round = 0; round < 2 && failing.some(({ problem }) => problem !== undefined); round++) {
      await sleep(6_000);
      failing = (await problemsOf(failing)).filter(({ problem }) => problem !== undefined);
    }
    expect(
      failing.map(
        ({ panel, target, expr, problem }) =>
          `"${panel.title}" (id ${panel.id}) target ${target.refId}: ${problem} — ${expr}`,
      ),
    ).toEqual([]);
  });

  it('shows every service-a instance in the calls panel and the dead letter in the dead-letter count', async () => {
    const calls = byTitle('Calls/s by instance');
    const deadLetters = byTitle('Dead letters in the time range');
    if (!calls || !deadLetters) throw new Error('the dashboard lost a panel this test reads');
    const instances = new Set((await query(calls.expr)).result.map((sample) => sample.metric.instance));
    expect(instances.size).toBe(stack.serviceAInstances);
    await eventually('the dead letter counted', async () => {
      const [sample] = (await query(deadLetters.expr)).result;
      return Number(sample?.value[1]) >= 1 ? true : undefined;
    });
  });
});
