import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { eventually, runToExit, stack } from './stack.js';

// A command line is readable by every user of the machine (ps, /proc/PID/cmdline); a process'
// environment only by its own user and root. The stack's passwords travel in environments,
// files and standard input only.
const passwords = Object.values(stack.postgres.roles).map((role) => role.password);

async function commandLines(): Promise<{ pid: string; args: string }[]> {
  const lines: { pid: string; args: string }[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const args = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (args !== '') lines.push({ pid, args: args.replaceAll('\0', ' ') });
  }
  return lines;
}

describe('no password on a process command line', () => {
  it('holds for every process running, the stack all up', async () => {
    // The registry and the services among them (an earlier test may have restarted one), so the scan sees the stack.
    const lines = await eventually('the registry and service-a running', async () => {
      const all = await commandLines();
      const seen = (part: string) => all.some(({ args }) => args.includes(part));
      return seen('apicurio-registry') && seen('service-a/dist/main.js') ? all : undefined;
    });
    for (const password of passwords) {
      expect(lines.filter(({ args }) => args.includes(password))).toEqual([]);
    }
  });

  it("holds for the database bootstrap, whose psql reads the roles' passwords from its standard input", async () => {
    // A psql that records its arguments, then runs the real one: the bootstrap is rerun through it.
    const shim = await mkdtemp(join(tmpdir(), 'psql-args-'));
    const recorded = join(shim, 'args');
    await writeFile(join(shim, 'psql'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${recorded}'\nexec /usr/bin/psql "$@"\n`);
    await chmod(join(shim, 'psql'), 0o755);
    try {
      const run = await runToExit('bash', ['stack/scripts/start-postgres.sh'], {
        env: { ...process.env, PATH: `${shim}:${process.env.PATH}` },
        timeoutMs: 60_000,
      });
      expect(run.code, run.stderr).toBe(0);
      const args = await readFile(recorded, 'utf8');
      expect(args).toContain('-f -');
      for (const password of passwords) expect(args).not.toContain(password);
      // The passwords it set are the configured ones: a role logs in with its own.
      const client = new pg.Client({
        host: stack.postgres.host,
        port: stack.postgres.port,
        ...stack.postgres.roles.serviceB,
        database: stack.postgres.databases.results,
      });
      await client.connect();
      await client.end();
    } finally {
      await rm(shim, { recursive: true, force: true });
    }
  });
});
