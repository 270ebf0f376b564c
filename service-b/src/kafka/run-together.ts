/** One caller's input and how to answer it. */
interface Pending<In, Out> {
  input: In;
  resolve: (output: Out) => void;
  reject: (error: unknown) => void;
}

export interface RunTogetherOptions<In, Out> {
  /**
   * Does the work of several callers at once, returning one output per input, in order. Throwing
   * fails every one of them.
   */
  runAll: (inputs: In[]) => Promise<Out[]>;
  /** How much of a run an input takes (1 unless given), and how much one run may take at most. */
  weigh?: (input: In) => number;
  maxWeightPerRun?: number;
}

export interface RunTogether<In, Out> {
  /** Resolves with this input's output once a run that took it has ended. */
  run(input: In): Promise<Out>;
}

/**
 * Coalesces concurrent callers: inputs handed in during the same turn of the event loop, or while
 * a run is in flight, go into the next run together. One run is in flight at a time, and a lone
 * caller waits only for the current turn to end (setImmediate), so at low load nothing is delayed.
 */
export function createRunTogether<In, Out>(options: RunTogetherOptions<In, Out>): RunTogether<In, Out> {
  const { runAll, weigh = () => 1, maxWeightPerRun = Number.POSITIVE_INFINITY } = options;
  const queue: Pending<In, Out>[] = [];
  let running = false;
  let scheduled = false;

  function take(): Pending<In, Out>[] {
    const taken: Pending<In, Out>[] = [];
    let weight = 0;
    while (queue.length > 0) {
      const next = queue[0] as Pending<In, Out>;
      const nextWeight = weigh(next.input);
      if (taken.length > 0 && weight + nextWeight > maxWeightPerRun) break;
      queue.shift();
      taken.push(next);
      weight += nextWeight;
    }
    return taken;
  }

  async function runOnce(): Promise<void> {
    scheduled = false;
    running = true;
    const taken = take();
    try {
      const outputs = await runAll(taken.map((pending) => pending.input));
      for (const [i, pending] of taken.entries()) pending.resolve(outputs[i] as Out);
    } catch (error) {
      for (const pending of taken) pending.reject(error);
    } finally {
      running = false;
      schedule();
    }
  }

  function schedule(): void {
    if (running || scheduled || queue.length === 0) return;
    scheduled = true;
    setImmediate(() => void runOnce());
  }

  return {
    run(input) {
      return new Promise<Out>((resolve, reject) => {
        queue.push({ input, resolve, reject });
        schedule();
      });
    },
  };
}
