import type { Logger } from 'pino';
import { judgeSlot, type SlotProblem, type SlotReading, type SlotVerdict } from './replication-slot.js';

export interface DatabaseProbe {
  /** Why new writes are refused right now, or null when they are accepted. */
  writeRefusal(): string | null;
  /** What keeps the instance from serving, for health and readiness; empty when nothing does. */
  notReadyReasons(): string[];
  /** WAL retained by the replication slot at the last reading, in bytes; null when unknown. */
  retainedWalBytes(): number | null;
  /** Probes once now (sharing a probe already running); rejects when the database does not answer. */
  check(): Promise<void>;
  close(): void;
}

export interface DatabaseProbeOptions {
  /** One round trip that both proves the database answers and reads the slot. */
  readSlot: () => Promise<SlotReading | null>;
  slotName: string;
  walBudgetBytes: number;
  intervalMs: number;
  logger: Logger;
  /** Called when reachability or the write verdict changes. */
  onChange: () => void;
}

type Verdict = SlotVerdict | { problem: 'unchecked'; reason: string };

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Every `intervalMs`, reads the replication slot: health reports NOT_SERVING while the database
 * is unreachable, and writes are refused while the slot is missing, lost or over its WAL budget.
 * Until the first reading, writes are refused too: nothing is known about the slot yet.
 */
export function startDatabaseProbe(options: DatabaseProbeOptions): DatabaseProbe {
  const { logger, slotName } = options;
  let unreachable: string | null = null;
  // Null while writes are accepted.
  let verdict: Verdict | null = { problem: 'unchecked', reason: 'the replication slot has not been checked yet' };
  let retained: number | null = null;
  let running: Promise<void> | undefined;

  async function probe(): Promise<void> {
    let reading: SlotReading | null;
    try {
      reading = await options.readSlot();
    } catch (error) {
      const wasReachable = unreachable === null;
      unreachable = `the database does not answer: ${describe(error)}`;
      if (wasReachable) {
        logger.warn({ err: error }, 'database unreachable');
        options.onChange();
      }
      throw error;
    }
    let changed = false;
    if (unreachable !== null) {
      unreachable = null;
      logger.info('database reachable again');
      changed = true;
    }
    retained = reading?.retainedBytes ?? null;
    const next = judgeSlot(slotName, reading, options.walBudgetBytes, verdict?.problem === 'over-budget');
    const problem: SlotProblem | null = next?.problem ?? null;
    if (problem !== (verdict?.problem ?? null)) {
      if (next) logger.warn({ slot: slotName, problem, retainedBytes: retained }, `pausing writes: ${next.reason}`);
      else logger.info({ slot: slotName, retainedBytes: retained }, 'replication slot sound; accepting writes');
      changed = true;
    }
    verdict = next;
    if (changed) options.onChange();
  }

  function check(): Promise<void> {
    running ??= probe().finally(() => {
      running = undefined;
    });
    return running;
  }

  const timer = setInterval(() => void check().catch(() => {}), options.intervalMs);
  timer.unref();
  return {
    writeRefusal: () => verdict?.reason ?? null,
    notReadyReasons: () => {
      const reasons: string[] = [];
      if (unreachable !== null) reasons.push(unreachable);
      if (verdict !== null) reasons.push(`writes are paused: ${verdict.reason}`);
      return reasons;
    },
    retainedWalBytes: () => retained,
    check,
    close: () => clearInterval(timer),
  };
}
