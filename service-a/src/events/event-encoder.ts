import { type SumCalculated, sumCalculatedAvroSchema, valueSubjectFor } from '@calculator/proto';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';

export interface EventEncoder {
  /** Registers the schema (idempotent in the registry); must succeed before the first encode. */
  register(): Promise<number>;
  /** The event in the Confluent wire format: magic byte, schema id, Avro body. */
  encode(event: SumCalculated): Promise<Buffer>;
}

/** Encodes SumCalculated events with the schema registered under `<topic>-value`. */
export function createEventEncoder(registryUrl: string, topic: string): EventEncoder {
  const registry = new SchemaRegistry({ host: registryUrl });
  let schemaId: number | undefined;
  return {
    async register() {
      const { id } = await registry.register(
        { type: SchemaType.AVRO, schema: sumCalculatedAvroSchema },
        // BACKWARD: consumers on the new schema can read every event already in the topic.
        { subject: valueSubjectFor(topic), compatibility: COMPATIBILITY.BACKWARD },
      );
      schemaId = id;
      return id;
    },
    async encode(event) {
      if (schemaId === undefined) throw new Error('event schema not registered yet');
      return registry.encode(schemaId, event);
    },
  };
}
