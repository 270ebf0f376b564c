import { describe, expect, it } from 'vitest';
import { createRunTogether } from './run-together.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A runAll that records each run's inputs and ends only when told to. */
function heldRuns() {
  const runs: number[][] = [];
  const release: (() => void)[] = [];
  const runAll = async (inputs: number[]) => {
    runs.push(inputs);
    await new Promise<void>((resolve) => release.push(resolve));
    return inputs.map((input) => input * 10);
  };
  return { runs, runAll, releaseNext: () => release.shift()?.() };
}

describe('createRunTogether', () => {
  it('runs the inputs handed in during one turn together, answering each caller with its own output', async () => {
    const { runs, runAll, releaseNext } = heldRuns();
    const together = createRunTogether({ runAll });
    const outputs = Promise.all([together.run(1), together.run(2), together.run(3)]);
    await nextTurn();
    releaseNext();
    expect(await outputs).toEqual([10, 20, 30]);
    expect(runs).toEqual([[1, 2, 3]]);
  });

  it('keeps one run in flight: inputs handed in meanwhile wait and go into the next run together', async () => {
    const { runs, runAll, releaseNext } = heldRuns();
    const together = createRunTogether({ runAll });
    const first = together.run(1);
    await nextTurn();
    const later = [together.run(2), together.run(3)];
    await nextTurn();
    expect(runs).toEqual([[1]]);
    releaseNext();
    expect(await first).toBe(10);
    await nextTurn();
    expect(runs).toEqual([[1], [2, 3]]);
    releaseNext();
    expect(await Promise.all(later)).toEqual([20, 30]);
  });

  it('takes no more weight per run than allowed, leaving the rest for the next run', async () => {
    const runs: number[][] = [];
    const together = createRunTogether({
      runAll: async (inputs: number[]) => {
        runs.push(inputs);
        return inputs;
      },
      weigh: (input) => input,
      maxWeightPerRun: 5,
    });
    await Promise.all([together.run(2), together.run(3), together.run(4), together.run(9)]);
    expect(runs).toEqual([[2, 3], [4], [9]]);
  });

  it('fails every caller of a run that throws, and runs the next inputs afterwards', async () => {
    let calls = 0;
    const together = createRunTogether({
      runAll: async (inputs: number[]) => {
        calls++;
        if (calls === 1) throw new Error('database down');
        return inputs;
      },
    });
    const failed = await Promise.allSettled([together.run(1), together.run(2)]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(await together.run(3)).toBe(3);
  });
});
