// Samples the CPU time of every supervised process of the stack (with its children, e.g. Postgres'
// backends) and of the load generator (k6 or ghz), and the resident memory of each one's largest
// process, once a second, until SIGTERM; then writes the samples as JSON.
//   node loadtest/sample-processes.mjs <supervisord.conf> <out.json>
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { LOAD_GENERATORS } from './cost-per-call.mjs';

const [supervisorConf, outFile] = process.argv.slice(2);
const ticksPerSecond = 100; // USER_HZ on Linux
const pageBytes = 4096;

/** pid -> { ppid, comm, cpuSeconds, rssBytes } for every process. */
function processTable() {
  const table = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // fields[1] is ppid; utime and stime are the 14th and 15th fields of the line, rss (pages) the 24th.
      table.set(Number(entry), {
        ppid: Number(fields[1]),
        comm,
        cpuSeconds: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond,
        rssBytes: Number(fields[21]) * pageBytes,
      });
    } catch {
      // The process ended while we read it.
    }
  }
  return table;
}

function supervisedPids() {
  const out = execFileSync('supervisorctl', ['-c', supervisorConf, 'status'], { encoding: 'utf8' });
  const pids = new Map();
  for (const line of out.split('\n')) {
    const match = line.match(/^(\S+)\s+RUNNING\s+pid (\d+)/);
    if (match) pids.set(Number(match[2]), match[1]);
  }
  return pids;
}

const roots = supervisedPids();
const samples = [];
/** Processes seen per name, so ended ones (short-lived backends) still count what they used. */
const lastSeen = new Map();

function sample() {
  const table = processTable();
  const owner = (pid) => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; p = table.get(p)?.ppid ?? 0, hops++) {
      const name = roots.get(p);
      if (name) return name;
    }
    const comm = table.get(pid)?.comm;
    return LOAD_GENERATORS.includes(comm) ? comm : undefined;
  };
  // Resident memory is not summed over a program's processes: Postgres' backends share their buffers.
  const rss = {};
  for (const [pid, info] of table) {
    const name = owner(pid);
    if (!name) continue;
    lastSeen.set(pid, { name, cpuSeconds: info.cpuSeconds });
    rss[name] = Math.max(rss[name] ?? 0, info.rssBytes);
  }
  const cpu = {};
  for (const { name, cpuSeconds } of lastSeen.values()) cpu[name] = (cpu[name] ?? 0) + cpuSeconds;
  samples.push({ t: Date.now() / 1000, cpu, rss });
}

sample();
const timer = setInterval(sample, 1000);
process.on('SIGTERM', () => {
  clearInterval(timer);
  sample();
  writeFileSync(outFile, JSON.stringify({ samples }));
  process.exit(0);
});
