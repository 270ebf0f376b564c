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

/** Reads `topic` from the beginning, with a throw-away group, until a record whose `id` header is `eventId`. */
export async function findRecordByEventId(topic: string, eventId: string, timeoutMs = 30_000): Promise<RawRecord> {
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
    });
  } finally {
    await consumer.disconnect();
  }
}

/** Produces a record as given (bytes, headers, partition): a redelivery, or a hand-made record. */
export async function produceRecord(topic: string, record: RawRecord): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic,
      messages: [{ partition: record.partition, key: record.key, value: record.value, headers: record.headers }],
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
