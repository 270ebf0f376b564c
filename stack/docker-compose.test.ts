import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// docker-compose.yml cannot run on machines without Docker; this keeps it parseable and in step
// with the native stack.
const root = new URL('../', import.meta.url);
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8')) as {
  services: Record<
    string,
    { image?: string; command?: unknown; volumes?: string[]; ports?: string[]; depends_on?: string[] }
  >;
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

  describe('grafana', () => {
    const grafana = compose.services.grafana;
    const volumes = (grafana?.volumes ?? []).map((volume) => volume.split(':'));
    /** host path (relative to the repository) -> container path. */
    const mounts = new Map(volumes.map(([host = '', container = '']) => [host, container]));
    const readYaml = (path: string) => parse(readFileSync(new URL(path, root), 'utf8'));

    it('runs the official image pinned to an exact version, on its own port, after Prometheus', () => {
      expect(grafana?.image).toMatch(/^grafana\/grafana-oss:\d+\.\d+\.\d+$/);
      expect(grafana?.depends_on).toContain('prometheus');
      const published = (grafana?.ports ?? []).map((port) => port.split(':').slice(0, 2).join(':'));
      const others = Object.entries(compose.services)
        .filter(([name]) => name !== 'grafana')
        .flatMap(([, service]) => (service.ports ?? []).map((port) => port.split(':').slice(0, 2).join(':')));
      expect(published).toHaveLength(1);
      expect(published[0]).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(others).not.toContain(published[0]);
    });

    it('mounts provisioning and dashboards that exist in the repository, read-only', () => {
      expect(volumes.map(([, , mode]) => mode)).toEqual(volumes.map(() => 'ro'));
      for (const host of mounts.keys()) expect(existsSync(new URL(host, root)), host).toBe(true);
      expect([...mounts.values()]).toEqual(
        expect.arrayContaining(['/etc/grafana/provisioning/datasources', '/etc/grafana/provisioning/dashboards']),
      );
    });

    it('provisions the compose Prometheus as the data source', () => {
      const host = [...mounts].find(([, container]) => container === '/etc/grafana/provisioning/datasources')?.[0];
      const file = readYaml(`${host}/prometheus.yml`) as { datasources: { type: string; url: string }[] };
      expect(file.datasources).toEqual([
        expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' }),
      ]);
      expect(Object.keys(compose.services)).toContain(new URL(file.datasources[0]?.url ?? '').hostname);
    });

    it('loads dashboards from the folder the dashboard JSON is mounted on', () => {
      const host = [...mounts].find(([, container]) => container === '/etc/grafana/provisioning/dashboards')?.[0];
      const file = readYaml(`${host}/pipeline.yml`) as { providers: { type: string; options: { path: string } }[] };
      const path = file.providers[0]?.options.path ?? '';
      expect(file.providers[0]?.type).toBe('file');
      const dashboards = [...mounts].find(([, container]) => container === path)?.[0];
      expect(dashboards, `a mount on ${path}`).toBeDefined();
      expect(existsSync(new URL(`${dashboards}/pipeline.json`, root))).toBe(true);
    });
  });
});
