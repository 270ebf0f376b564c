import { randomUUID } from 'node:crypto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { findRecordByEventId, produceRecord, produceRecords, type RawRecord } from './kafka-records.js';
import { loadWithRetries } from './load-with-retries.js';
import { expectProblem } from './problem.js';
import { expectEveryAcceptedCallOnce, expectSettledSummary, summaryOf } from './reconcile.js';
import {
  calculatorClient,
  eventually,
  everyServiceBReady,
  freshUserId,
  getServiceB,
  runFromRepo,
  stack,
  supervisedPid,
  supervisorctl,
} from './stack.js';

/** `make replay-dlq`, as an operator runs it: its stdout, one JSON line per dead letter handled. */
const replayDeadLetters = () => runFromRepo('make', '--no-print-directory', 'replay-dlq');

const registry = new SchemaRegistry({ host: stack.registryUrl });
const deadLetterTopic = `${stack.topic}.dlq`;

/** A well-formed SumCalculated, encoded with the registered schema, as Debezium would publish it. */
async function goodRecord(partition: number) {
  const eventId = randomUUID();
  const userId = freshUserId('hand-made');
  const schemaId = await registry.getLatestSchemaId(`${stack.topic}-value`);
  const value = await registry.encode(schemaId, {
    eventId,
    userId,
    operands: [3, 4],
    sum: 7,
    requestId: null,
    createdAt: Date.now(),
  });
  return { eventId, record: { partition, key: Buffer.from(userId), value, headers: { id: Buffer.from(eventId) } } };
}

const poisonPartition = 2;

/** The id of the schema the events are framed with, as service-a registers it. */
const latestSchemaId = () => registry.getLatestSchemaId(`${stack.topic}-value`);

/** A SumCalculated as the registry client encodes it: schema-valid, whatever it holds. */
async function encodedEvent(fields: Partial<Record<string, unknown>>): Promise<Buffer> {
  return registry.encode(await latestSchemaId(), {
    eventId: randomUUID(),
    userId: 'someone',
    operands: [1],
    sum: 1,
    requestId: null,
    createdAt: Date.now(),
    ...fields,
  });
}

/** Confluent wire format: magic byte 0, the schema id as a big-endian int32, then the Avro body. */
function framed(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

/** An Avro int or long: zig-zag, then 7 bits a byte, low bits first. */
function avroLong(value: number): Buffer {
  let n = value >= 0 ? value * 2 : -value * 2 - 1;
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

const avroString = (text: string) => Buffer.concat([avroLong(Buffer.byteLength(text)), Buffer.from(text)]);

const serviceBPids = () => Promise.all(stack.serviceBUrls.map((_, i) => supervisedPid(`service-b-${i + 1}`)));

/**
 * Produces `value` as a poison record and returns its dead letter, once a good record produced
 * behind it on the same partition has been applied: poison must never hold up its partition.
 */
async function deadLetterOf(value: Buffer | null): Promise<RawRecord> {
  const id = randomUUID();
  const offset = await produceRecord(stack.topic, {
    partition: poisonPartition,
    key: Buffer.from('poison'),
    value,
    headers: { id: Buffer.from(id) },
  });
  const dead = await findRecordByEventId(deadLetterTopic, id, 60_000);
  expect(dead.headers['dlq.source.topic']?.toString()).toBe(stack.topic);
  expect(dead.headers['dlq.source.partition']?.toString()).toBe(String(poisonPartition));
  expect(dead.headers['dlq.source.offset']?.toString()).toBe(offset);

  const good = await goodRecord(poisonPartition);
  await produceRecord(stack.topic, good.record);
  await eventually('the good event behind the poison', async () => {
    const { status } = await getServiceB(`/v1/calculations/${good.eventId}`);
    return status === 200 ? true : undefined;
  });
  return dead;
}

/** The dead letter carries the poison bytes untouched, the reason and, when given, the error text. */
async function expectDeadLettered(value: Buffer | null, reason: string, error?: string) {
  const dead = await deadLetterOf(value);
  if (value === null) expect(dead.value).toBeNull();
  else expect(dead.value?.equals(value)).toBe(true);
  expect(dead.headers['dlq.reason']?.toString()).toBe(reason);
  if (error !== undefined) expect(dead.headers['dlq.error']?.toString()).toContain(error);
  expect(dead.headers['dlq.truncated']).toBeUndefined();
}

describe('service-b poison events', () => {
  it('dead-letters undecodable bytes with the reason and source position', async () => {
    await expectDeadLettered(Buffer.from('not an avro record'), 'undecodable');
  });

  it('dead-letters a value framed with an unknown schema id', async () => {
    await expectDeadLettered(Buffer.from([0, 0x7f, 0xff, 0xff, 0x00, 1, 2, 3]), 'unknown-schema');
  });

  it('dead-letters a schema-valid but semantically invalid event', async () => {
    await expectDeadLettered(await encodedEvent({ eventId: 'not-a-uuid' }), 'invalid', 'eventId: must be a UUID');
  });

  it('dead-letters an event whose user id contains a NUL character as invalid', async () => {
    // Postgres text cannot hold NUL: applied, it would make the database refuse the whole batch.
    await expectDeadLettered(
      await encodedEvent({ userId: 'nul\u0000user' }),
      'invalid',
      'userId: contains a NUL character',
    );
  });

  it('dead-letters an event whose createdAt is beyond what a Date holds as invalid', async () => {
    await expectDeadLettered(
      await encodedEvent({ createdAt: 9e15 }),
      'invalid',
      'createdAt: must be epoch milliseconds from 1 to 8640000000000000',
    );
  });

  it('dead-letters an event whose user id has 129 characters as invalid', async () => {
    await expectDeadLettered(
      await encodedEvent({ userId: 'u'.repeat(129) }),
      'invalid',
      'userId: at most 128 characters',
    );
  });

  it('dead-letters an event with 10,001 operands as invalid', async () => {
    const operands = new Array<number>(10_001).fill(1);
    await expectDeadLettered(
      await encodedEvent({ operands, sum: operands.length }),
      'invalid',
      'operands: at most 10000 numbers',
    );
  });

  it('dead-letters a tombstone (null value) as undecodable', async () => {
    await expectDeadLettered(null, 'undecodable', 'the value is null (a tombstone)');
  });

  it('dead-letters a body whose array claims 2^30 items at once, without the consumer allocating for them', async () => {
    const pids = await serviceBPids();
    const body = Buffer.concat([
      avroString(randomUUID()),
      avroString('someone'),
      avroLong(2 ** 30),
      // Two doubles' worth of bytes: far fewer than the 8 GiB the count claims.
      Buffer.alloc(16),
    ]);
    await expectDeadLettered(framed(await latestSchemaId(), body), 'undecodable', 'array block of 1073741824 items');
    // An instance that had tried to decode it would have run out of memory and been restarted.
    expect(await serviceBPids()).toEqual(pids);
  });

  it('dead-letters a value too large for the dead-letter topic cut to fit, saying how long it was', async () => {
    const pids = await serviceBPids();
    // Framed, then garbage: 960,000 bytes, above the dead-letter budget (900,000 bytes) and below
    // what the producer and the broker accept by default (1,000,000 and 1,048,588 bytes).
    const value = framed(await latestSchemaId(), Buffer.alloc(960_000 - 5, 0xff));
    const dead = await deadLetterOf(value);
    expect(dead.headers['dlq.reason']?.toString()).toBe('undecodable');
    expect(dead.headers['dlq.truncated']?.toString()).toBe(String(value.length));
    const kept = dead.value as Buffer;
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(900_000);
    expect(kept.equals(value.subarray(0, kept.length))).toBe(true);
    expect(await serviceBPids()).toEqual(pids);
  });

  it('dead-letters the event the database refuses (a running total that would overflow) and applies the one before it', async () => {
    // Each event is valid on its own; their sum is not a finite double, which Postgres refuses
    // (SQLSTATE 22003). Produced together, they are applied as one batch that fails and is split.
    const userId = freshUserId('total-overflow');
    const events = [randomUUID(), randomUUID()].map((eventId) => ({ eventId, sum: 1e308 }));
    const records = await Promise.all(
      events.map(async ({ eventId, sum }) => ({
        partition: poisonPartition,
        key: Buffer.from(userId),
        value: await encodedEvent({ eventId, userId, operands: [sum], sum }),
        headers: { id: Buffer.from(eventId) },
      })),
    );
    await produceRecords(stack.topic, records);
    const [first, second] = events.map((e) => e.eventId) as [string, string];

    const dead = await findRecordByEventId(deadLetterTopic, second, 60_000);
    expect(dead.value?.equals(records[1]?.value as Buffer)).toBe(true);
    expect(dead.headers['dlq.reason']?.toString()).toBe('rejected-by-database');
    expect(dead.headers['dlq.error']?.toString()).toContain('SQLSTATE 22003');
    expect(dead.headers['dlq.source.partition']?.toString()).toBe(String(poisonPartition));

    expect((await getServiceB(`/v1/calculations/${first}`)).status).toBe(200);
    expect((await getServiceB(`/v1/calculations/${second}`)).status).toBe(404);
    expect(await summaryOf(userId)).toEqual({ userId, calculationCount: 1, total: 1e308 });

    const good = await goodRecord(poisonPartition);
    await produceRecord(stack.topic, good.record);
    await eventually('the good event behind the refused one', async () =>
      (await getServiceB(`/v1/calculations/${good.eventId}`)).status === 200 ? true : undefined,
    );
  });
});

describe('replaying dead letters', () => {
  it('replays a dead letter whose cause is gone once, and a second run does not replay it again', async () => {
    // A valid event that was dead-lettered while its cause held (here: written as such by hand).
    const good = await goodRecord(1);
    await produceRecord(deadLetterTopic, {
      ...good.record,
      partition: 0,
      headers: {
        ...good.record.headers,
        'dlq.reason': Buffer.from('unknown-schema'),
        'dlq.error': Buffer.from('schema not found (since registered)'),
        'dlq.source.topic': Buffer.from(stack.topic),
        'dlq.source.partition': Buffer.from('1'),
        'dlq.source.offset': Buffer.from('0'),
      },
    });
    const linesFor = (stdout: string) =>
      stdout
        .split('\n')
        .filter((line) => line.includes(good.eventId))
        .map((line) => JSON.parse(line) as { action: string; to: string });

    const first = await replayDeadLetters();
    expect(linesFor(first)).toEqual([expect.objectContaining({ action: 'replayed', to: stack.topic })]);
    await eventually('the replayed event applied', async () =>
      (await getServiceB(`/v1/calculations/${good.eventId}`)).status === 200 ? true : undefined,
    );
    expect(linesFor(await replayDeadLetters())).toEqual([]);
  });
});

describe('service-b while its database is down', () => {
  it('reports not ready, keeps its position without crashing, and applies everything once the database is back', async () => {
    // Encoded before Postgres stops: the registry keeps its schemas in Postgres too.
    const records = await Promise.all([0, 1, 2, 3, 4, 5].map((partition) => goodRecord(partition)));
    const pids = await Promise.all(stack.serviceBUrls.map((_, i) => supervisedPid(`service-b-${i + 1}`)));
    await supervisorctl('stop', 'postgres');
    try {
      for (const { record } of records) await produceRecord(stack.topic, record);
      for (const url of stack.serviceBUrls) {
        const body = await eventually(`${url}/readyz to report the database`, async () => {
          const response = await fetch(`${url}/readyz`);
          return response.status === 503 ? ((await response.json()) as { reasons: string[] }) : undefined;
        });
        expect(body.reasons.join(' ')).toMatch(/database/);
      }
      await new Promise((r) => setTimeout(r, 5000));
      // Retrying with backoff inside the batch, not crash-looping: the same processes still run.
      expect(await Promise.all(stack.serviceBUrls.map((_, i) => supervisedPid(`service-b-${i + 1}`)))).toEqual(pids);
    } finally {
      await supervisorctl('start', 'postgres');
    }
    for (const { eventId } of records) {
      await eventually(
        `event ${eventId} applied after the database returned`,
        async () => ((await getServiceB(`/v1/calculations/${eventId}`)).status === 200 ? true : undefined),
        60_000,
      );
    }
    await everyServiceBReady();
  });
});

describe('service-b exactly once', () => {
  it('applies every accepted call once when service-b is killed (-9) mid-stream', async () => {
    const { client, close } = calculatorClient();
    const load = loadWithRetries(client, { workers: 12, durationMs: 8000, userPrefix: freshUserId('b-kill') });
    await new Promise((r) => setTimeout(r, 3000));
    await supervisorctl('signal', 'KILL', 'service-b-1');
    const result = await load;
    close();
    expect(result.failures).toEqual([]);
    await expectEveryAcceptedCallOnce(result.accepted);
  });
});

interface Calculation {
  seq: string;
  eventId: string;
  userId: string;
  sum: number;
}

/** Reads SSE `data:` payloads (those `keep` accepts) from a stream until `count` arrived or the time is up. */
async function readStream(
  url: string,
  headers: Record<string, string>,
  count: number,
  onOpen: () => Promise<void>,
  keep: (calculation: Calculation) => boolean = () => true,
) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 20_000);
  const response = await fetch(url, { headers, signal: controller.signal });
  const received: Calculation[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  let opened = false;
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      // The first chunk (the replayed rows, or the position a stream "from now" starts at) says
      // the stream is in place: what happens from here on must reach it.
      if (!opened) {
        opened = true;
        await onOpen();
      }
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .find((line) => line.startsWith('data: '));
        const calculation = data ? (JSON.parse(data.slice(6)) as Calculation) : undefined;
        if (calculation && keep(calculation)) received.push(calculation);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
      }
      if (received.length >= count) break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return received;
}

describe('service-b query API and live stream', () => {
  it('pages the calculations of a user newest first and resumes a stream from Last-Event-ID', async () => {
    const { client, close } = calculatorClient();
    const userId = freshUserId('pages');
    const answers = [];
    for (const n of [1, 2, 3]) answers.push(await client.calculateSum({ userId, operands: [n] }));
    await eventually('three calculations', async () => {
      const { body } = await getServiceB<{ items: Calculation[] }>(`/v1/users/${userId}/calculations`);
      return body.items.length === 3 ? true : undefined;
    });

    const first = await getServiceB<{ items: Calculation[]; nextCursor: string }>(
      `/v1/users/${userId}/calculations?limit=2`,
    );
    expect(first.body.items.map((c) => c.sum)).toEqual([3, 2]);
    const second = await getServiceB<{ items: Calculation[]; nextCursor: string | null }>(
      `/v1/users/${userId}/calculations?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((c) => c.sum)).toEqual([1]);
    expect(second.body.nextCursor).toBeNull();
    expect((await getServiceB(`/v1/users/${userId}/calculations?limit=0`)).status).toBe(400);

    // Resume after the oldest: the two later ones are replayed, then a new one arrives live.
    const oldestSeq = second.body.items[0]?.seq as string;
    const streamed = await readStream(
      `${stack.serviceBUrl}/v1/users/${userId}/stream`,
      { 'last-event-id': oldestSeq },
      3,
      async () => {
        answers.push(await client.calculateSum({ userId, operands: [4] }));
      },
    );
    close();
    expect(streamed.map((c) => c.sum)).toEqual([2, 3, 4]);
    expect(streamed.map((c) => c.eventId)).toEqual(answers.slice(1).map((a) => a.eventId));
  });

  it('holds a calculation back from pages and streams while an older transaction runs, then delivers it', async () => {
    // Apply transactions run side by side; a reader takes only rows below the oldest transaction
    // still running. Hold one open (it has an id, as an apply transaction has) and the calculation
    // applied after it must wait for it: counted in the summary, but not yet paged, found or streamed.
    const older = new pg.Client({
      host: stack.postgres.host,
      port: stack.postgres.port,
      ...stack.postgres.roles.serviceB,
      database: stack.postgres.databases.results,
      application_name: 'e2e-older-transaction',
    });
    await older.connect();
    const { client, close } = calculatorClient();
    const userId = freshUserId('horizon');
    let answer: { eventId: string } | undefined;
    let arrivedAt = 0;
    let endedAt = 0;
    try {
      await older.query('BEGIN');
      await older.query('SELECT pg_current_xact_id()');
      const streamed = readStream(
        `${stack.serviceBUrl}/v1/users/${userId}/stream`,
        {},
        1,
        async () => {
          answer = await client.calculateSum({ userId, operands: [2, 3] });
        },
        () => {
          arrivedAt = Date.now();
          return true;
        },
      );
      await eventually('the calculation to be applied', async () =>
        (await summaryOf(userId))?.calculationCount === 1 ? true : undefined,
      );
      const held = await getServiceB<{ items: Calculation[] }>(`/v1/users/${userId}/calculations`);
      expect(held.body.items).toEqual([]);
      expect((await getServiceB(`/v1/calculations/${answer?.eventId}`)).status).toBe(404);

      endedAt = Date.now();
      await older.query('ROLLBACK');
      const [received] = await streamed;
      expect(received?.eventId).toBe(answer?.eventId);
      expect(arrivedAt).toBeGreaterThanOrEqual(endedAt);
      const shown = await getServiceB<{ items: Calculation[] }>(`/v1/users/${userId}/calculations`);
      expect(shown.body.items.map((c) => c.eventId)).toEqual([answer?.eventId]);
      expect((await getServiceB(`/v1/calculations/${answer?.eventId}`)).status).toBe(200);
    } finally {
      close();
      await older.end();
    }
  });

  it("streams every user's calculations live on /v1/stream, on either instance, in apply order", async () => {
    const { client, close } = calculatorClient();
    const userId = freshUserId('all-stream');
    let opened = 0;
    let allOpen = () => {};
    const everyStreamOpen = new Promise<void>((resolve) => {
      allOpen = resolve;
    });
    const streams = stack.serviceBUrls.map((url) =>
      readStream(
        `${url}/v1/stream`,
        {},
        3,
        async () => {
          if (++opened === stack.serviceBUrls.length) allOpen();
        },
        (c) => c.userId === userId,
      ),
    );
    await everyStreamOpen;
    const answers = [];
    for (const n of [1, 2, 3]) answers.push(await client.calculateSum({ userId, operands: [n] }));
    close();
    for (const received of await Promise.all(streams)) {
      expect(received.map((c) => c.eventId)).toEqual(answers.map((a) => a.eventId));
      const seqs = received.map((c) => BigInt(c.seq));
      expect(seqs).toEqual([...seqs].sort((a, b) => (a < b ? -1 : 1)));
    }
  });
});

/** GET on one service-b instance: the status and the parsed JSON body. */
async function getFrom(url: string, path: string, headers: Record<string, string> = {}) {
  // Bounded: a request that should be refused but opens a live stream instead must not hang the test.
  const response = await fetch(`${url}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('service-b HTTP input', () => {
  it('serves a user id of 128 characters, the longest service-a accepts, on both instances; 129 is a 400, never a 414', async () => {
    const prefix = freshUserId('long');
    const userId = `${prefix}-${'x'.repeat(128 - prefix.length - 1)}`;
    expect(userId).toHaveLength(128);
    const { client, close } = calculatorClient();
    try {
      await client.calculateSum({ userId, operands: [2, 5] });
    } finally {
      close();
    }
    await expectSettledSummary(userId, 1, 7);
    for (const url of stack.serviceBUrls) {
      expect(await getFrom(url, `/v1/users/${userId}/summary`)).toEqual({
        status: 200,
        body: { userId, calculationCount: 1, total: 7 },
      });
      const page = await getFrom(url, `/v1/users/${userId}/calculations`);
      expect(page.status).toBe(200);
      expect(page.body.items).toEqual([expect.objectContaining({ userId, sum: 7 })]);

      for (const path of [`/v1/users/${userId}x/summary`, `/v1/users/${userId}x/calculations`]) {
        const tooLong = await getFrom(url, path);
        expect(tooLong.status).toBe(400);
        expect(tooLong.body).toMatchObject({ code: 'ERR_VALIDATION', field: 'userId' });
        expect(tooLong.body.detail).toMatch(/^params\/userId /);
      }
    }
  });

  it('answers 404 with ERR_NOT_FOUND for an event id never applied, and 400 for one that is not a UUID', async () => {
    const eventId = randomUUID();
    expect(await getServiceB(`/v1/calculations/${eventId}`)).toEqual({
      status: 404,
      body: {
        type: 'urn:calculator:service-b:not-found',
        title: 'Not found',
        status: 404,
        detail: `calculation ${eventId} not found`,
        code: 'ERR_NOT_FOUND',
      },
    });
    const notUuid = await getServiceB<{ code: string; detail: string }>('/v1/calculations/not-a-uuid');
    expect(notUuid.status).toBe(400);
    expect(notUuid.body).toMatchObject({
      code: 'ERR_VALIDATION',
      field: 'eventId',
      detail: expect.stringMatching(/^params\/eventId /),
    });
  });

  it('answers 400 naming the parameter for a forged cursor, a limit out of range and a Last-Event-ID that is no seq', async () => {
    const userId = freshUserId('bad-params');
    const forged = Buffer.from('v1:not-a-seq').toString('base64url');
    const cases: [string, Record<string, string>, string, RegExp][] = [
      [`/v1/users/${userId}/calculations?cursor=${forged}`, {}, 'cursor', /^querystring\/cursor /],
      [`/v1/users/${userId}/calculations?limit=501`, {}, 'limit', /^querystring\/limit /],
      [`/v1/users/${userId}/calculations?limit=ten`, {}, 'limit', /^querystring\/limit /],
      ['/v1/stream', { 'last-event-id': 'garbage' }, 'last-event-id', /^headers\/last-event-id /],
      [`/v1/users/${userId}/stream?lastEventId=-1`, {}, 'lastEventId', /^querystring\/lastEventId /],
    ];
    for (const [path, headers, field, detail] of cases) {
      const answer = await getFrom(stack.serviceBUrl, path, headers);
      expect(answer.status, path).toBe(400);
      expect(answer.body, path).toMatchObject({ status: 400, code: 'ERR_VALIDATION', field });
      expect(answer.body.detail, path).toMatch(detail);
    }
  });

  it('answers its errors as problem details on :3000, and describes them at /v1/openapi.json', async () => {
    const get = (path: string) => fetch(`${stack.serviceBUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
    const service = 'service-b' as const;
    const userId = freshUserId('problems');
    const limit = await expectProblem(await get(`/v1/users/${userId}/calculations?limit=0`), {
      status: 400,
      code: 'ERR_VALIDATION',
      field: 'limit',
      service,
    });
    expect(limit.detail).toMatch(/^querystring\/limit /);
    await expectProblem(await get(`/v1/users/${userId}/summary`), { status: 404, code: 'ERR_NOT_FOUND', service });
    await expectProblem(await get('/v1/nothing'), { status: 404, code: 'ERR_ROUTE_NOT_FOUND', service });
    await expectProblem(await get(`/v1/users/${'u'.repeat(400)}/summary`), {
      status: 414,
      code: 'ERR_URI_TOO_LONG',
      service,
    });
    await expectProblem(await get('/v1/users/%zz/summary'), { status: 400, code: 'ERR_BAD_REQUEST', service });

    const document = (await (await get('/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { content: object }> }>>;
    };
    const summary = document.paths['/v1/users/{userId}/summary']?.get?.responses ?? {};
    expect(Object.keys(summary)).toEqual(['200', '400', '404', '414', '500', '503']);
    expect(Object.keys(summary['404']?.content ?? {})).toEqual(['application/problem+json']);
  });
});
