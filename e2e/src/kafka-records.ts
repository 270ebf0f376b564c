import { KafkaJS } from '@confluentinc/kafka-javascript';
import { stack } from './stack.js';

export interface RawRecord {
  partition: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
}

const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: stack.kafkaBrokers, logLevel: KafkaJS.logLevel.ERROR } });

function headersOf(headers: KafkaJS.IHeaders | undefined): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = Buffer.from(first);
  }
  return out;
}

/**
 * Reads `topic` from what was written in the last `lookBackMs` (not the whole topic: a stack that has
 * run benchmarks holds millions of records), with a throw-away group, until a record whose `id`
 * header is `eventId`.
 */
export async function findRecordByEventId(
  topic: string,
  eventId: string,
  timeoutMs = 30_000,
  lookBackMs = 10 * 60_000,
): Promise<RawRecord> {
  const starts = await offsetsSince(topic, Date.now() - lookBackMs);
  const consumer = kafka.consumer({
    kafkaJS: { groupId: `e2e-reader-${Date.now()}-${Math.random()}`, fromBeginning: true, autoCommit: false },
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic] });
    return await new Promise<RawRecord>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no record with id ${eventId} in ${topic}`)), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const headers = headersOf(message.headers);
            if (headers.id?.toString() === eventId) {
              clearTimeout(timer);
              resolve({ partition, key: message.key, value: message.value, headers });
            }
          },
        })
        .catch(reject);
      // Seeks made before the partitions are assigned are applied on assignment.
      for (const { partition, offset } of starts) consumer.seek({ topic, partition, offset });
    });
  } finally {
    await consumer.disconnect();
  }
}

/** Per partition, the offset of the first record written at or after `timestamp` (the end if none). */
async function offsetsSince(topic: string, timestamp: number): Promise<{ partition: number; offset: string }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Where the lookup by time finds no record, the client answers with the partition's end, read
    // after the lookup: a record written in between (the first dead letter of a fresh stack) would
    // lie before that end and be skipped. An end read before the lookup is at or before any record
    // written since, so the start is the smaller of the two.
    const ends = await admin.fetchTopicOffsets(topic);
    const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, timestamp);
    return byTime.map(({ partition, offset }) => {
      const endBefore = ends.find((e) => e.partition === partition)?.high;
      const found = BigInt(offset) >= 0n;
      const start = endBefore === undefined || (found && BigInt(offset) < BigInt(endBefore)) ? offset : endBefore;
      return { partition, offset: start };
    });
  } finally {
    await admin.disconnect();
  }
}

/** Produces a record as given (bytes, headers, partition): a redelivery, or a hand-made record. Its offset. */
export async function produceRecord(topic: string, record: RawRecord): Promise<string | undefined> {
  const [written] = await produceRecords(topic, [record]);
  return written?.baseOffset;
}

/**
 * Produces records in one send, so that records for one partition travel in one producer batch and
 * are, as a rule, handed to the consumer together (one apply transaction).
 */
export async function produceRecords(topic: string, records: readonly RawRecord[]): Promise<KafkaJS.RecordMetadata[]> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    return await producer.send({
      topic,
      messages: records.map((record) => ({
        partition: record.partition,
        key: record.key,
        value: record.value,
        headers: record.headers,
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

/** The client ids of the members of a consumer group, as the group coordinator sees them now. */
export async function groupMemberClientIds(groupId: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return (groups[0]?.members ?? []).map((member) => member.clientId).sort();
  } finally {
    await admin.disconnect();
  }
}
