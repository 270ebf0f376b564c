import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { eventually, runToExit, stack } from './stack.js';

/** Every supervised program that is running, with its pid. */
async function runningPrograms(): Promise<{ name: string; pid: number }[]> {
  // supervisorctl's status exits non-zero while any program is stopped; its listing is still whole.
  const { stdout } = await runToExit('supervisorctl', ['-c', stack.supervisorConf, 'status']);
  return [...stdout.matchAll(/^(\S+)\s+RUNNING\s+pid (\d+)/gm)].map(([, name, pid]) => ({
    name: name as string,
    pid: Number(pid),
  }));
}

/** pid → its parent and its real and effective uid, for every process on the machine. */
async function processTable(): Promise<Map<number, { ppid: number; uids: number[] }>> {
  const table = new Map<number, { ppid: number; uids: number[] }>();
  for (const entry of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    const ppid = /^PPid:\s+(\d+)/m.exec(status)?.[1];
    const uids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
    if (ppid && uids) table.set(Number(entry), { ppid: Number(ppid), uids: [Number(uids[1]), Number(uids[2])] });
  }
  return table;
}

/** The process and all its descendants (nginx's workers, Postgres' backends, a JVM's children). */
function tree(table: Map<number, { ppid: number }>, root: number): number[] {
  const pids = [root];
  for (let i = 0; i < pids.length; i++) {
    for (const [pid, { ppid }] of table) if (ppid === pids[i]) pids.push(pid);
  }
  return pids;
}

describe('least privilege: no process of the stack runs as root', () => {
  it('holds for every supervised program and every process it started', async () => {
    const expected = [
      'postgres',
      'kafka',
      'connect',
      'registry',
      'nginx',
      'prometheus',
      'jaeger',
      'nginx-exporter',
      'postgres-exporter',
      ...Array.from({ length: stack.serviceAInstances }, (_, i) => `service-a-${i + 1}`),
      ...stack.serviceBUrls.map((_, i) => `service-b-${i + 1}`),
    ];
    // The whole stack up, an earlier test's restart included: every program of it is looked at.
    const programs = await eventually(
      'every program of the stack running',
      async () => {
        const running = await runningPrograms();
        const names = new Set(running.map((program) => program.name));
        return expected.every((name) => names.has(name)) ? running : undefined;
      },
      60_000,
    );

    const table = await processTable();
    const asRoot: string[] = [];
    for (const { name, pid } of programs) {
      const pids = tree(table, pid);
      if (name === 'nginx') expect(pids.length, 'nginx master and its workers').toBeGreaterThan(1);
      for (const each of pids) {
        const uids = table.get(each)?.uids ?? [];
        if (uids.includes(0)) asRoot.push(`${name} (pid ${each})`);
      }
    }
    expect(asRoot).toEqual([]);
  });
});
