import { describe, expect, it } from 'vitest';
import { jvmHeaps, memoryTables, peakResidentMemory } from './memory-usage.mjs';

const MiB = 2 ** 20;

describe('peakResidentMemory', () => {
  it('keeps each program’s highest reading, largest first, and skips samples without memory', () => {
    const samples = [
      { t: 1, cpu: {} },
      { t: 2, cpu: {}, rss: { 'service-a-1': 90 * MiB, kafka: 400 * MiB } },
      { t: 3, cpu: {}, rss: { 'service-a-1': 120 * MiB, kafka: 380 * MiB } },
    ];
    expect(peakResidentMemory(samples)).toEqual([
      ['kafka', 400 * MiB],
      ['service-a-1', 120 * MiB],
    ]);
  });
});

describe('jvmHeaps', () => {
  it('joins the four queries by job', async () => {
    const answers = [
      [{ metric: { job: 'kafka' }, value: 300 * MiB }],
      [
        { metric: { job: 'kafka' }, value: 512 * MiB },
        { metric: { job: 'connect' }, value: 384 * MiB },
      ],
      [{ metric: { job: 'kafka' }, value: 40 * MiB }],
      [{ metric: { job: 'kafka' }, value: 0.25 }],
    ];
    const queries = [];
    const prometheus = {
      vector: async (promql) => {
        queries.push(promql);
        return answers[queries.length - 1];
      },
    };
    const heaps = await jvmHeaps(prometheus, '65s', 1000);
    expect(queries.every((q) => q.includes('[65s'))).toBe(true);
    expect(heaps).toEqual([
      { job: 'connect', usedBytes: undefined, maxBytes: 384 * MiB, oldAfterGcBytes: undefined, gcSeconds: undefined },
      { job: 'kafka', usedBytes: 300 * MiB, maxBytes: 512 * MiB, oldAfterGcBytes: 40 * MiB, gcSeconds: 0.25 },
    ]);
  });
});

describe('memoryTables', () => {
  it('checks only the Node services against 200 MiB and says when no full collection has run', () => {
    const text = memoryTables(
      [
        ['connect', 600 * MiB],
        ['service-b-2', 201 * MiB],
        ['service-a-1', 200 * MiB],
      ],
      [{ job: 'connect', usedBytes: 90 * MiB, maxBytes: 384 * MiB, oldAfterGcBytes: 0, gcSeconds: 0.012 }],
    );
    expect(text).toContain('| connect | 600 MiB |');
    expect(text).toContain('| service-b-2 | 201 MiB **(over 200 MiB)** |');
    expect(text).toContain('| service-a-1 | 200 MiB (within 200 MiB) |');
    expect(text).toContain('| connect | 90 MiB | 384 MiB | no full collection yet | 12 ms |');
  });
});
