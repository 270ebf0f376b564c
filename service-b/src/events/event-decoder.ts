import type { SumCalculated } from '@calculator/proto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { validateEvent } from '../domain/validate-event.js';
import { PoisonEventError } from '../errors.js';

export interface EventDecoder {
  /** The event, or PoisonEventError when it can never be applied; other errors are transient. */
  decode(value: Buffer | null): Promise<SumCalculated>;
  /**
   * The value as its registered schema reads it, without the checks `decode` adds, so that
   * `inspect-topic` can show a semantically invalid event; errors as `decode`.
   */
  decodeUnchecked(value: Buffer | null): Promise<unknown>;
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
  async function decodeUnchecked(value: Buffer | null): Promise<unknown> {
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
    try {
      return await registry.decode(value);
    } catch (error) {
      throw new PoisonEventError('undecodable', `value does not decode with schema ${schemaId}`, { cause: error });
    }
  }
  return {
    async decode(value) {
      return validateEvent((await decodeUnchecked(value)) as SumCalculated);
    },
    decodeUnchecked,
  };
}
