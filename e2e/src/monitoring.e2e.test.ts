import { describe, expect, it } from 'vitest';
import { eventually, stack } from './stack.js';

interface Target {
  labels: { job: string; instance: string };
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

async function activeTargets(): Promise<Target[]> {
  const response = await fetch(`${stack.prometheusUrl}/api/v1/targets?state=active`);
  const body = (await response.json()) as { data: { activeTargets: Target[] } };
  return body.data.activeTargets;
}

describe('Prometheus', () => {
  it('scrapes every process of the stack, one target per instance, all up', async () => {
    const targets = await eventually(
      'every target scraped successfully',
      async () => {
        const all = await activeTargets();
        return all.length > 0 && all.every((t) => t.health === 'up') ? all : undefined;
      },
      30_000,
    ).catch(async (error) => {
      // Name the targets that are down rather than only timing out.
      const down = (await activeTargets()).filter((t) => t.health !== 'up');
      throw new Error(`${(error as Error).message}: ${JSON.stringify(down)}`);
    });

    const perJob = new Map<string, number>();
    for (const target of targets) perJob.set(target.labels.job, (perJob.get(target.labels.job) ?? 0) + 1);
    expect(Object.fromEntries(perJob)).toEqual({
      'service-a': stack.serviceAInstances,
      'service-b': stack.serviceBUrls.length,
      kafka: 1,
      connect: 1,
      registry: 1,
      nginx: 1,
      postgres: 1,
      prometheus: 1,
    });
  });

  it('holds the pipeline metrics the benchmark reads', async () => {
    const query = async (promql: string) => {
      const response = await fetch(`${stack.prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
      return ((await response.json()) as { data: { result: unknown[] } }).data.result;
    };
    await eventually('the series in Prometheus', async () => {
      const lag = await query('sum(event_end_to_end_lag_seconds_count)');
      const consumerLag = await query('kafka_consumer_lag_messages');
      const calls = await query('grpc_server_handled_total');
      return lag.length > 0 && consumerLag.length > 0 && calls.length > 0 ? true : undefined;
    });
  });
});
