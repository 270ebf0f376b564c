import { randomUUID } from 'node:crypto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { describe, expect, it } from 'vitest';
import { findRecordByEventId, produceRecord } from './kafka-records.js';
import { loadWithRetries } from './load-with-retries.js';
import { expectEveryAcceptedCallOnce } from './reconcile.js';
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

async function expectDeadLettered(value: Buffer, reason: string) {
  const id = randomUUID();
  const partition = 2;
  await produceRecord(stack.topic, { partition, key: Buffer.from('poison'), value, headers: { id: Buffer.from(id) } });
  const dead = await findRecordByEventId(deadLetterTopic, id, 60_000);
  expect(dead.value?.equals(value)).toBe(true);
  expect(dead.headers['dlq.reason']?.toString()).toBe(reason);
  expect(dead.headers['dlq.source.topic']?.toString()).toBe(stack.topic);
  expect(dead.headers['dlq.source.partition']?.toString()).toBe(String(partition));
  expect(Number(dead.headers['dlq.source.offset']?.toString())).toBeGreaterThanOrEqual(0);

  // The partition keeps flowing: a good event behind the poison is applied.
  const good = await goodRecord(partition);
  await produceRecord(stack.topic, good.record);
  await eventually('the good event behind the poison', async () => {
    const { status } = await getServiceB(`/v1/calculations/${good.eventId}`);
    return status === 200 ? true : undefined;
  });
}

describe('service-b poison events', () => {
  it('dead-letters undecodable bytes with the reason and source position', async () => {
    await expectDeadLettered(Buffer.from('not an avro record'), 'undecodable');
  });

  it('dead-letters a value framed with an unknown schema id', async () => {
    await expectDeadLettered(Buffer.from([0, 0x7f, 0xff, 0xff, 0x00, 1, 2, 3]), 'unknown-schema');
  });

  it('dead-letters a schema-valid but semantically invalid event', async () => {
    const schemaId = await registry.getLatestSchemaId(`${stack.topic}-value`);
    const invalid = await registry.encode(schemaId, {
      eventId: 'not-a-uuid',
      userId: 'someone',
      operands: [1],
      sum: 1,
      requestId: null,
      createdAt: Date.now(),
    });
    await expectDeadLettered(invalid, 'invalid');
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
