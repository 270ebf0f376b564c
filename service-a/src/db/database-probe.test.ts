import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type DatabaseProbe, startDatabaseProbe } from './database-probe.js';
import type { SlotReading } from './replication-slot.js';

const BUDGET = 1000;

/** A probe over a slot whose next reading the test sets; it never probes on its own timer. */
function probeWith(initial: SlotReading | null | Error) {
  let next = initial;
  let changes = 0;
  const probe = startDatabaseProbe({
    readSlot: async () => {
      if (next instanceof Error) throw next;
      return next;
    },
    slotName: 'outbox_slot',
    walBudgetBytes: BUDGET,
    intervalMs: 3_600_000,
    logger: pino({ level: 'silent' }),
    onChange: () => changes++,
  });
  probes.push(probe);
  return {
    probe,
    set: (reading: SlotReading | null | Error) => {
      next = reading;
    },
    changes: () => changes,
  };
}

const probes: DatabaseProbe[] = [];
afterEach(() => {
  for (const probe of probes.splice(0)) probe.close();
});

const healthy: SlotReading = { retainedBytes: 10, walStatus: 'reserved' };

describe('startDatabaseProbe', () => {
  it('refuses writes until the slot has been read once', async () => {
    const { probe } = probeWith(healthy);
    expect(probe.writeRefusal()).toMatch(/not been checked yet/);
    await probe.check();
    expect(probe.writeRefusal()).toBeNull();
    expect(probe.notReadyReasons()).toEqual([]);
  });

  it('refuses writes while the slot retains more than the budget, and accepts again once it drains', async () => {
    const { probe, set } = probeWith(healthy);
    await probe.check();
    set({ retainedBytes: 5 * BUDGET, walStatus: 'extended' });
    await probe.check();
    expect(probe.writeRefusal()).toMatch(/over its budget/);
    expect(probe.retainedWalBytes()).toBe(5 * BUDGET);
    expect(probe.notReadyReasons()).toEqual([`writes are paused: ${probe.writeRefusal()}`]);
    // Just under the budget is not enough once paused: the slot must drain below three quarters.
    set({ retainedBytes: BUDGET - 1, walStatus: 'reserved' });
    await probe.check();
    expect(probe.writeRefusal()).toMatch(/over its budget/);
    set({ retainedBytes: 0.7 * BUDGET, walStatus: 'reserved' });
    await probe.check();
    expect(probe.writeRefusal()).toBeNull();
    expect(probe.notReadyReasons()).toEqual([]);
  });

  it('refuses writes while the slot is missing or lost', async () => {
    const { probe, set } = probeWith(null);
    await probe.check();
    expect(probe.writeRefusal()).toMatch(/does not exist/);
    expect(probe.retainedWalBytes()).toBeNull();
    set({ retainedBytes: null, walStatus: 'lost' });
    await probe.check();
    expect(probe.writeRefusal()).toMatch(/invalidated/);
  });

  it('reports an unreachable database as not ready, keeps the last slot verdict, and recovers', async () => {
    const { probe, set } = probeWith(healthy);
    await probe.check();
    set(new Error('connect ECONNREFUSED'));
    await expect(probe.check()).rejects.toThrow('ECONNREFUSED');
    expect(probe.notReadyReasons()).toEqual(['the database does not answer: connect ECONNREFUSED']);
    expect(probe.writeRefusal()).toBeNull();
    set(healthy);
    await probe.check();
    expect(probe.notReadyReasons()).toEqual([]);
  });

  it('signals a change only when reachability or the verdict changes', async () => {
    const { probe, set, changes } = probeWith(healthy);
    await probe.check();
    expect(changes()).toBe(1); // unchecked -> accepting
    await probe.check();
    set({ retainedBytes: 2 * BUDGET, walStatus: 'reserved' });
    await probe.check();
    set({ retainedBytes: 3 * BUDGET, walStatus: 'reserved' });
    await probe.check();
    expect(changes()).toBe(2);
    set(new Error('down'));
    await probe.check().catch(() => {});
    await probe.check().catch(() => {});
    expect(changes()).toBe(3);
  });

  it('shares one reading between concurrent checks', async () => {
    let reads = 0;
    const probe = startDatabaseProbe({
      readSlot: async () => {
        reads++;
        return healthy;
      },
      slotName: 'outbox_slot',
      walBudgetBytes: BUDGET,
      intervalMs: 3_600_000,
      logger: pino({ level: 'silent' }),
      onChange: () => {},
    });
    probes.push(probe);
    await Promise.all([probe.check(), probe.check()]);
    expect(reads).toBe(1);
  });
});
