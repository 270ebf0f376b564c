import { describe, expect, it } from 'vitest';
import { runToExit } from './stack.js';

// Bad input outside the APIs: the environment a service starts with, and an operator's command line.

/**
 * Starts a service's entry point with only `env` (plus PATH), as supervisor would. A bad value must
 * stop it before it opens a port or a connection; the timeout is there in case it does not.
 */
const startWith = (entryPoint: string, env: Record<string, string>) =>
  runToExit(process.execPath, [entryPoint], { env: { PATH: process.env.PATH ?? '', ...env }, timeoutMs: 15_000 });

describe('configuration', () => {
  it('stops service-a at start on bad environment values, naming every field at fault', async () => {
    const exit = await startWith('service-a/dist/main.js', {
      HTTP_PORT: 'eighty',
      DATABASE_URL: 'mysql://service_a@127.0.0.1/calculator',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
    });
    expect(exit.signal).toBeNull();
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('invalid configuration');
    expect(exit.stderr).toMatch(/→ at HTTP_PORT/);
    expect(exit.stderr).toMatch(/→ at DATABASE_URL/);
    expect(exit.stderr).not.toMatch(/→ at SCHEMA_REGISTRY_URL/);
  });

  it('stops service-b at start on bad environment values, naming every field at fault', async () => {
    const exit = await startWith('service-b/dist/main.js', {
      DATABASE_URL: 'postgres://service_b@127.0.0.1/results',
      KAFKA_BROKERS: '127.0.0.1:9092',
      // Below the 6 s the broker's group.min.session.timeout.ms allows.
      KAFKA_SESSION_TIMEOUT_MS: '100',
    });
    expect(exit.signal).toBeNull();
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('invalid configuration');
    expect(exit.stderr).toMatch(/→ at KAFKA_SESSION_TIMEOUT_MS/);
    expect(exit.stderr).toMatch(/→ at SCHEMA_REGISTRY_URL/);
    expect(exit.stderr).not.toMatch(/→ at DATABASE_URL/);
  });
});

/**
 * Runs an operator command through make, as an operator does. make reports the failed recipe with
 * the command's own exit status ("Error 2"), and exits 2 itself.
 */
async function expectUsageError(target: string, args: string[], message: RegExp, usage: string) {
  const exit = await runToExit('make', ['--no-print-directory', target, ...args], { timeoutMs: 60_000 });
  expect(exit.code).toBe(2);
  expect(exit.stderr).toMatch(new RegExp(`\\[Makefile:\\d+: ${target}\\] Error 2`));
  expect(exit.stderr).toMatch(message);
  expect(exit.stderr).toContain(usage);
  expect(exit.stdout).toBe('');
}

describe('operator commands with bad arguments', () => {
  it('make inspect exits 2 with its usage for an unknown option', async () => {
    await expectUsageError('inspect', ['ARGS=--bogus'], /Unknown option '--bogus'/, 'usage: inspect-topic');
  });

  it('make inspect exits 2 with its usage for a --last that is not a whole number', async () => {
    await expectUsageError(
      'inspect',
      ['ARGS=--last 1e3'],
      /--last takes a whole number, not "1e3"/,
      'usage: inspect-topic',
    );
  });

  it('make inspect exits 2 with its usage for a topic that does not exist', async () => {
    await expectUsageError(
      'inspect',
      ['TOPIC=no-such-topic-e2e'],
      /there is no topic no-such-topic-e2e/,
      'usage: inspect-topic',
    );
  });

  it('make replay-dlq exits 2 with its usage for a reason no dead letter carries, replaying nothing', async () => {
    await expectUsageError(
      'replay-dlq',
      ['ARGS=--reason nope'],
      /--reason is one of undecodable, unknown-schema, invalid, rejected-by-database, not "nope"/,
      'usage: replay-dead-letters',
    );
  });
});
