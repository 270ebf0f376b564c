import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runToExit } from './stack.js';

const execFileAsync = promisify(execFile);
// A package the stack installs that nothing running needs: only the benchmark chart draws with it.
const PACKAGE = 'gnuplot-nox';
// Debian's own policy file: the install step used to end with exit status 1 when one was there.
const POLICY = '/usr/sbin/policy-rc.d';

async function installed(pkg: string): Promise<boolean> {
  // dpkg-query's own ${Status} field, not a template.
  const format = '-f=$' + '{Status}';
  const { stdout } = await execFileAsync('dpkg-query', ['-W', format, pkg]).catch(() => ({ stdout: '' }));
  return stdout.includes('install ok installed');
}

// It removes and installs a Debian package, as make up does when started by root (CI runs as root).
describe.runIf(process.getuid?.() === 0)('the install step on a machine where a package it installs is missing', () => {
  it('installs it, exits 0 with Debian policy-rc.d already present, and finds everything present on the next run', async () => {
    expect(await installed(PACKAGE)).toBe(true);
    const ownPolicy = !existsSync(POLICY);
    if (ownPolicy) await writeFile(POLICY, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    try {
      const policyBefore = await readFile(POLICY, 'utf8');
      await execFileAsync('apt-get', ['remove', '-y', '-qq', PACKAGE], {
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
      expect(await installed(PACKAGE)).toBe(false);

      const first = await runToExit('bash', ['stack/scripts/install-system-packages.sh'], { timeoutMs: 300_000 });
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain(`installing system packages: ${PACKAGE}`);
      expect(first.stdout).toContain('system packages installed');
      expect(await installed(PACKAGE)).toBe(true);

      const second = await runToExit('bash', ['stack/scripts/install-system-packages.sh'], { timeoutMs: 60_000 });
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain('system packages present');
      // The step leaves a policy it did not create as it found it.
      expect(await readFile(POLICY, 'utf8')).toBe(policyBefore);
    } finally {
      // Whatever failed, the machine is left as it was: the package back, the policy only if it was there.
      if (!(await installed(PACKAGE)))
        await runToExit('bash', ['stack/scripts/install-system-packages.sh'], { timeoutMs: 300_000 });
      if (ownPolicy) await rm(POLICY, { force: true });
    }
  }, 360_000);
});
