// Several runs' CPU per call side by side: per process and for the stack, the median and the
// spread (lowest–highest), so one noisy run cannot pass for a result.
//   node loadtest/summarize-cost.mjs bench/run-1/cost.json bench/run-2/cost.json …
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const runs = process.argv.slice(2).map((file) => JSON.parse(readFileSync(file, 'utf8')));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (ms) => ms.toFixed(3);
const line = (label, values) =>
  `| ${label} | ${fmt(median(values))} | ${fmt(Math.min(...values))}–${fmt(Math.max(...values))} | ${values.map(fmt).join(' / ')} |`;

const names = [...new Set(runs.flatMap((run) => run.rows.map((row) => row.name)))];
const msOf = (run, name) => run.rows.find((row) => row.name === name)?.msPerCall ?? 0;
const stack = runs.map((run) => run.stackMs);
const cores = cpus().length;

console.log(`## CPU per accepted call over ${runs.length} runs at ${runs[0]?.rate}/s offered

| process | median ms | spread | each run |
|---|---|---|---|
${names
  .map((name) =>
    line(
      name,
      runs.map((run) => msOf(run, name)),
    ),
  )
  .join('\n')}
${line('**stack, load generator excluded**', stack)}

Capacity at the median stack cost on ${cores} cores: ${Math.round((cores * 1000) / median(stack))} calls/s.
Reconciled (every accepted call stored once): ${runs.map((run) => (run.reconciled ? 'yes' : 'NO')).join(' / ')}.
`);
