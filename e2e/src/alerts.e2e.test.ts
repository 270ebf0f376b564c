import { describe, expect, it } from 'vitest';
import { connectorStates, eventually, stack, supervisorctl } from './stack.js';

// stack/monitoring/alerts.yml: fires 15 s after Connect stops reporting a running task.
const CONNECTOR_ALERT = 'OutboxConnectorNotRunning';

interface Alert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

/** The pending and firing alerts of one rule, as Prometheus itself reports them. */
async function activeAlerts(alertname: string): Promise<Alert[]> {
  const response = await fetch(`${stack.prometheusUrl}/api/v1/alerts`);
  const body = (await response.json()) as { data: { alerts: Alert[] } };
  return body.data.alerts.filter((alert) => alert.labels.alertname === alertname);
}

async function slotActive(): Promise<boolean> {
  const query = `pg_replication_slots_active{slot_name="${stack.replicationSlot}"}`;
  const response = await fetch(`${stack.prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await response.json()) as { data: { result: { value: [number, string] }[] } };
  return body.data.result[0]?.value[1] === '1';
}

const connectorRunning = async () => ((await connectorStates()) === 'RUNNING RUNNING' ? true : undefined);
const noConnectorAlert = async () => ((await activeAlerts(CONNECTOR_ALERT)).length === 0 ? true : undefined);

describe('alert rules in the running Prometheus', () => {
  it('loads every rule file without errors', async () => {
    const response = await fetch(`${stack.prometheusUrl}/api/v1/rules?type=alert`);
    const body = (await response.json()) as { data: { groups: { rules: { name: string; health: string }[] }[] } };
    const rules = body.data.groups.flatMap((group) => group.rules);
    expect(rules.map((rule) => rule.name)).toContain(CONNECTOR_ALERT);
    expect(rules.filter((rule) => rule.health === 'err')).toEqual([]);
  });

  it('fires the connector alert while Connect is stopped and resolves it once the connector runs again', {
    timeout: 420_000,
  }, async () => {
    await eventually('the connector running before the test', connectorRunning, 60_000);
    await eventually('no connector alert before the test', noConnectorAlert, 60_000);

    await supervisorctl('stop', 'connect');
    try {
      // The scrape fails at once, the rule's `for` is 15 s, rules run every 5 s.
      const firing = await eventually(
        `${CONNECTOR_ALERT} firing`,
        async () => (await activeAlerts(CONNECTOR_ALERT)).find((alert) => alert.state === 'firing'),
        60_000,
      );
      expect(firing.labels).toMatchObject({ severity: 'critical', job: 'connect' });
    } finally {
      await supervisorctl('start', 'connect');
    }

    // Connect resumes the registered connector by itself; the slot becomes active again once
    // Debezium streams, and the alert resolves at the next evaluation after the task reports running.
    await eventually('the connector RUNNING again', connectorRunning, 180_000);
    await eventually(
      'the replication slot active again',
      async () => ((await slotActive()) ? true : undefined),
      60_000,
    );
    await eventually(`${CONNECTOR_ALERT} resolved`, noConnectorAlert, 60_000);
  });
});
