import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { type CalculatorServiceClient, CalculatorServiceDefinition } from '@calculator/proto';
import { createChannel, createClient } from 'nice-grpc';

// The stack's addresses; `make test` exports them from stack/defaults.env, the fallbacks are its defaults.
const env = process.env;
const host = env.STACK_HOST ?? '127.0.0.1';
export const stack = {
  grpcAddress: `${host}:${env.NGINX_GRPC_PORT ?? '50051'}`,
  httpApiUrl: `http://${host}:${env.NGINX_HTTP_PORT ?? '8080'}`,
  /** The web page and, on its origin, the APIs it calls (nginx). */
  webUrl: `http://${host}:${env.WEB_PORT ?? '8090'}`,
  /** A single service-a instance, bypassing nginx (instances are numbered from 1). */
  serviceAAddress: (instance: number) => `${host}:${Number(env.SERVICE_A_BASE_PORT ?? '50060') + instance}`,
  /** A single service-a instance's HTTP port (/readyz, /metrics, POST /v1/sum), bypassing nginx. */
  serviceAHttpUrl: (instance: number) => `http://${host}:${Number(env.SERVICE_A_HTTP_BASE_PORT ?? '9460') + instance}`,
  serviceBUrl: `http://${host}:${env.SERVICE_B_PORT ?? '3000'}`,
  /** Every service-b instance; they share the consumer group, each serves the whole API. */
  serviceBUrls: Array.from(
    { length: Number(env.SERVICE_B_INSTANCES ?? '2') },
    (_, i) => `http://${host}:${Number(env.SERVICE_B_PORT ?? '3000') + i}`,
  ),
  kafkaBrokers: [`${host}:${env.KAFKA_PORT ?? '9092'}`],
  topic: env.USER_EVENTS_TOPIC ?? 'user-events',
  prometheusUrl: `http://${host}:${env.PROMETHEUS_PORT ?? '9090'}`,
  /** Jaeger's query API (the trace backend). */
  jaegerUrl: `http://${host}:${env.JAEGER_QUERY_PORT ?? '16686'}`,
  serviceAInstances: Number(env.SERVICE_A_INSTANCES ?? '2'),
  /** Calls in flight on service-a-1 before nginx sends calls to the other instances (0: round-robin). */
  serviceASpillAt: Number(env.SERVICE_A_SPILL_AT ?? '64'),
  /** Group commits in flight per service-a instance. */
  serviceAOutboxMaxInFlight: Number(env.SERVICE_A_OUTBOX_MAX_IN_FLIGHT ?? '1'),
  registryUrl: `http://${host}:${env.REGISTRY_PORT ?? '8081'}/apis/ccompat/v7`,
  supervisorConf: resolve(env.RUN_DIR ?? resolve(import.meta.dirname, '../../.run'), 'conf/supervisord.conf'),
  connectUrl: `http://${host}:${env.CONNECT_PORT ?? '8083'}`,
  connectorName: env.CONNECTOR_NAME ?? 'outbox-connector',
  replicationSlot: env.REPLICATION_SLOT ?? 'outbox_slot',
  /** Postgres over TCP as each role of the stack logs in (stack/postgres/bootstrap.sql). */
  postgres: {
    host,
    port: Number(env.PG_PORT ?? '5432'),
    databases: {
      calculator: env.PG_CALCULATOR_DB ?? 'calculator',
      results: env.PG_RESULTS_DB ?? 'results',
      registry: env.PG_REGISTRY_DB ?? 'registry',
      /** The maintenance database the Postgres exporter reads statistics from. */
      maintenance: 'postgres',
    },
    roles: {
      serviceA: { user: env.SERVICE_A_DB_USER ?? 'service_a', password: env.SERVICE_A_DB_PASSWORD ?? 'service_a_dev' },
      serviceB: { user: env.SERVICE_B_DB_USER ?? 'service_b', password: env.SERVICE_B_DB_PASSWORD ?? 'service_b_dev' },
      debezium: { user: env.DEBEZIUM_DB_USER ?? 'debezium', password: env.DEBEZIUM_DB_PASSWORD ?? 'debezium_dev' },
      registry: { user: env.REGISTRY_DB_USER ?? 'registry', password: env.REGISTRY_DB_PASSWORD ?? 'registry_dev' },
      monitoring: {
        user: env.MONITORING_DB_USER ?? 'monitoring',
        password: env.MONITORING_DB_PASSWORD ?? 'monitoring_dev',
      },
    },
  },
};

export function calculatorClient(): { client: CalculatorServiceClient; close: () => void } {
  const channel = createChannel(stack.grpcAddress);
  return { client: createClient(CalculatorServiceDefinition, channel), close: () => channel.close() };
}

/** GET a service-b path: the status and the parsed JSON body. */
export async function getServiceB<T = unknown>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stack.serviceBUrl}${path}`);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

const execFileAsync = promisify(execFile);

/** Acts on one supervised process of the native stack, e.g. `supervisorctl('signal', 'KILL', 'service-a-2')`. */
export async function supervisorctl(...args: string[]): Promise<void> {
  await execFileAsync('supervisorctl', ['-c', stack.supervisorConf, ...args]);
}

/** The process id supervisor reports for a program: it changes when the process restarted. */
export async function supervisedPid(program: string): Promise<number> {
  const { stdout } = await execFileAsync('supervisorctl', ['-c', stack.supervisorConf, 'pid', program]);
  return Number(stdout.trim());
}

/** "<connector state> <task states...>" of the outbox connector, as `make status` shows it; undefined when Connect does not answer. */
export async function connectorStates(): Promise<string | undefined> {
  const response = await fetch(`${stack.connectUrl}/connectors/${stack.connectorName}/status`);
  if (!response.ok) return undefined;
  const body = (await response.json()) as { connector: { state: string }; tasks: { state: string }[] };
  return [body.connector.state, ...body.tasks.map((task) => task.state)].join(' ');
}

/** A user id no earlier run has used, so each test starts from an empty summary. */
export function freshUserId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

const repoDir = resolve(import.meta.dirname, '../..');

/** Runs a project command from the repository root as an operator would, e.g. `runFromRepo('make', 'replay-dlq')`: its stdout. */
export async function runFromRepo(command: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(command, args, { cwd: repoDir });
  return stdout;
}

export interface Exit {
  /** The exit status; null when the process was ended by a signal (or could not be started). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command from the repository root until it ends, whatever its exit status, for tests of
 * what a failing command says. Killed after `timeoutMs`, so a command that should have stopped at
 * once cannot hang the test.
 */
export function runToExit(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      command,
      [...args],
      { cwd: repoDir, env: options.env ?? process.env, timeout: options.timeoutMs ?? 30_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, signal: error?.signal ?? null, stdout, stderr });
      },
    );
  });
}

/** The samples of metric `name` on a service's /metrics: each sample's label text and value. */
export async function metricSamples(url: string, name: string): Promise<{ labels: string; value: number }[]> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => ({
      labels: line.slice(name.length, line.lastIndexOf(' ')),
      value: Number(line.slice(line.lastIndexOf(' ') + 1)),
    }));
}

/** The value of a counter sample in one service-b instance's /metrics, 0 when absent. */
export async function serviceBInstanceCounter(url: string, name: string, labels: string): Promise<number> {
  return (await metricSamples(url, name)).find((sample) => sample.labels.includes(labels))?.value ?? 0;
}

/** Waits until each of these HTTP base URLs answers /readyz with 200. */
async function everyReady(urls: readonly string[], timeoutMs: number): Promise<void> {
  for (const url of urls) {
    await eventually(`${url} ready`, async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined), timeoutMs);
  }
}

/** Waits until every service-b instance answers /readyz with 200. */
export function everyServiceBReady(timeoutMs = 60_000): Promise<void> {
  return everyReady(stack.serviceBUrls, timeoutMs);
}

/** Waits until every service-a instance answers /readyz with 200. */
export function everyServiceAReady(timeoutMs = 60_000): Promise<void> {
  const urls = Array.from({ length: stack.serviceAInstances }, (_, i) => stack.serviceAHttpUrl(i + 1));
  return everyReady(urls, timeoutMs);
}

/** A counter summed over every service-b instance (each counts the partitions it owns). */
export async function serviceBCounter(name: string, labels: string): Promise<number> {
  const values = await Promise.all(stack.serviceBUrls.map((url) => serviceBInstanceCounter(url, name, labels)));
  return values.reduce((a, b) => a + b, 0);
}
