import { type SumCalculated, sumCalculatedAvroSchema, valueSubjectFor } from '@calculator/proto';
import { COMPATIBILITY, type SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';

export interface EventEncoder {
  /** Registers the schema (idempotent in the registry); must succeed before the first encode. */
  register(): Promise<number>;
  /** The event in the Confluent wire format: magic byte, schema id, Avro body. */
  encode(event: SumCalculated): Buffer;
}

/** Magic byte 0, then the schema id as a big-endian int32. */
const HEADER_BYTES = 5;
const INITIAL_SCRATCH_BYTES = 4096;

/**
 * Encodes SumCalculated events with the schema registered under `<topic>-value`. The registry is
 * needed once, to register the schema and learn its id; after that every event is encoded in
 * place, synchronously, with the same Avro type the registry client would compile from the same
 * schema text, so the bytes are those its own encode() produces, without a promise per event.
 */
export function createEventEncoder(registry: Pick<SchemaRegistry, 'register'>, topic: string): EventEncoder {
  const type = avro.Type.forSchema(JSON.parse(sumCalculatedAvroSchema));
  // Header and body are written into one reused buffer, then copied out once per event.
  let scratch: Buffer | undefined;

  function encodeInto(buffer: Buffer, event: SumCalculated): number {
    return type.encode(event, buffer, HEADER_BYTES);
  }

  return {
    async register() {
      const { id } = await registry.register(
        { type: SchemaType.AVRO, schema: sumCalculatedAvroSchema },
        // BACKWARD: consumers on the new schema can read every event already in the topic.
        { subject: valueSubjectFor(topic), compatibility: COMPATIBILITY.BACKWARD },
      );
      const buffer = Buffer.alloc(INITIAL_SCRATCH_BYTES);
      buffer.writeInt32BE(id, 1);
      scratch = buffer;
      return id;
    },
    encode(event) {
      if (scratch === undefined) throw new Error('event schema not registered yet');
      let end = encodeInto(scratch, event);
      if (end < 0) {
        // Too small by -end bytes (avsc reports the shortfall): grow, keep the header, write again.
        const grown = Buffer.alloc(Math.max(2 * scratch.length, scratch.length - end));
        scratch.copy(grown, 0, 0, HEADER_BYTES);
        scratch = grown;
        end = encodeInto(scratch, event);
      }
      return Buffer.from(scratch.subarray(0, end));
    },
  };
}
