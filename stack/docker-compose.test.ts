import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// docker-compose.yml cannot run on machines without Docker; this keeps it parseable and in step
// with the native stack.
const root = new URL('../', import.meta.url);
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8')) as {
  services: Record<string, { command?: unknown; volumes?: string[] }>;
};
const defaults = readFileSync(new URL('stack/defaults.env', root), 'utf8');
const defaultOf = (name: string) => defaults.match(new RegExp(`\\$\\{${name}:=([^}]+)\\}`))?.[1];

describe('docker-compose.yml', () => {
  it('describes every part of the native stack', () => {
    const instances = Number(defaultOf('SERVICE_A_INSTANCES'));
    const serviceA = Array.from({ length: instances }, (_, i) => `service-a-${i + 1}`);
    const serviceB = Array.from({ length: Number(defaultOf('SERVICE_B_INSTANCES')) }, (_, i) => `service-b-${i + 1}`);
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining([
        'postgres',
        'kafka',
        'registry',
        'connect',
        'nginx',
        'prometheus',
        ...serviceA,
        ...serviceB,
      ]),
    );
  });

  it('creates user-events with the native partition count', () => {
    const partitions = defaultOf('USER_EVENTS_PARTITIONS');
    expect(JSON.stringify(compose.services['create-topics']?.command)).toContain(
      `--topic user-events --partitions ${partitions}`,
    );
  });

  it('registers the connector from the same config file', () => {
    expect(compose.services['register-connector']?.volumes).toContain('./connectors:/connectors:ro');
  });
});
