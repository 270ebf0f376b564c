import type { SumCalculated } from '@calculator/proto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { validateEvent } from '../domain/validate-event.js';
import { PoisonEventError } from '../errors.js';

export interface EventDecoder {
  /** The event, or PoisonEventError when it can never be applied; other errors are transient. */
  decode(value: Buffer | null): Promise<SumCalculated>;
}

const MAGIC_BYTE = 0;
const HEADER_LENGTH = 5;

function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Decodes Confluent-framed Avro through the registry, telling poison apart from a registry outage. */
export function createEventDecoder(registryUrl: string): EventDecoder {
  const registry = new SchemaRegistry({ host: registryUrl });
  return {
    async decode(value) {
      if (value === null || value.length < HEADER_LENGTH || value[0] !== MAGIC_BYTE) {
        throw new PoisonEventError('undecodable', 'value is not in the Confluent wire format');
      }
      const schemaId = value.readInt32BE(1);
      try {
        await registry.getSchema(schemaId);
      } catch (error) {
        if (httpStatusOf(error) === 404) {
          throw new PoisonEventError('unknown-schema', `schema id ${schemaId} is not in the registry`, {
            cause: error,
          });
        }
        throw error;
      }
      let decoded: SumCalculated;
      try {
        decoded = (await registry.decode(value)) as SumCalculated;
      } catch (error) {
        throw new PoisonEventError('undecodable', `value does not decode with schema ${schemaId}`, { cause: error });
      }
      return validateEvent(decoded);
    },
  };
}
