import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

function metricsWith(retained: number | null, paused: boolean) {
  return createMetrics('test', {
    queuedRows: () => 0,
    pool: () => ({ total: 0, idle: 0, waiting: 0 }),
    slot: { name: 'outbox_slot', retainedWalBytes: () => retained, writesPaused: () => paused },
  });
}

describe('createMetrics', () => {
  it('exports the WAL the replication slot retains, labelled by slot, and whether writes are paused', async () => {
    const text = await metricsWith(123_456, true).registry.metrics();
    expect(text).toMatch(/^replication_slot_retained_wal_bytes\{slot="outbox_slot",.*\} 123456$/m);
    expect(text).toMatch(/^outbox_writes_paused\{.*\} 1$/m);
  });

  it('exports a zero count of OK calls for every CalculatorService method before any call', async () => {
    const text = await metricsWith(null, false).registry.metrics();
    for (const method of ['CalculateSum', 'CalculateSums']) {
      expect(text).toMatch(
        new RegExp(
          `^grpc_server_handled_total\\{method="/calculator\\.v1\\.CalculatorService/${method}",code="OK",.*\\} 0$`,
          'm',
        ),
      );
    }
  });

  it('exports no retained-WAL sample while the slot is missing', async () => {
    const text = await metricsWith(null, true).registry.metrics();
    expect(text).not.toMatch(/^replication_slot_retained_wal_bytes\{/m);
  });
});
