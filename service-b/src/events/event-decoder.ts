import type { SumCalculated } from '@calculator/proto';
import { validateEvent } from '../domain/validate-event.js';
import { PoisonEventError } from '../errors.js';
import { type AvroBoundsCheck, compileAvroBoundsCheck } from './check-avro-bounds.js';

/** The part of the schema registry client the decoder uses: a schema by id, as its parsed type. */
export interface SchemaSource {
  getSchema(id: number): Promise<unknown>;
}

export interface EventDecoder {
  /**
   * Fetches the writer schemas the values are framed with, each id once for the life of the process.
   * Rejects only when the registry cannot answer (transient); an id the registry does not know makes
   * `decode` answer unknown-schema for the values framed with it.
   */
  loadSchemas(values: readonly (Buffer | null)[]): Promise<void>;
  /** The event, or PoisonEventError when it can never be applied; synchronous once its schema is loaded. */
  decode(value: Buffer | null): SumCalculated;
  /**
   * The value as its writer schema reads it, without the checks `decode` adds, so that `inspect-topic`
   * can show a semantically invalid event; errors as `decode`.
   */
  decodeUnchecked(value: Buffer | null): unknown;
}

/** The part of an avsc Type the decoder uses. */
interface AvroType {
  fromBuffer(buffer: Buffer): unknown;
  schema(): unknown;
}

interface LoadedSchema {
  type: AvroType;
  checkBounds: AvroBoundsCheck | undefined;
}

const MAGIC_BYTE = 0;
const HEADER_LENGTH = 5;

function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function isAvroType(schema: unknown): schema is AvroType {
  const candidate = schema as Partial<AvroType> | null;
  return typeof candidate?.fromBuffer === 'function' && typeof candidate?.schema === 'function';
}

function schemaIdOf(value: Buffer | null): number | undefined {
  if (value === null || value.length < HEADER_LENGTH || value[0] !== MAGIC_BYTE) return undefined;
  return value.readInt32BE(1);
}

/**
 * Decodes Confluent-framed Avro, telling poison apart from a registry outage. Each schema id is
 * looked up once and its parsed type kept, so decoding is synchronous and needs the registry only
 * for ids not seen before. Before the type decodes a value, the value's lengths and counts are
 * checked against its size: a record of a few bytes cannot make the decoder allocate gigabytes.
 */
export function createEventDecoder(registry: SchemaSource): EventDecoder {
  const loaded = new Map<number, LoadedSchema | PoisonEventError>();
  // Ids the registry did not know at the last load. Not kept beyond it: an id can be registered
  // later, and a stream of made-up ids must not grow memory.
  let unknown = new Set<number>();

  async function load(id: number): Promise<void> {
    let schema: unknown;
    try {
      schema = await registry.getSchema(id);
    } catch (error) {
      if (httpStatusOf(error) === 404) {
        unknown.add(id);
        return;
      }
      throw error;
    }
    loaded.set(
      id,
      isAvroType(schema)
        ? { type: schema, checkBounds: compileAvroBoundsCheck(schema.schema()) }
        : new PoisonEventError('unknown-schema', `schema id ${id} is not an Avro schema`),
    );
  }

  function decodeUnchecked(value: Buffer | null): unknown {
    if (value === null) throw new PoisonEventError('undecodable', 'the value is null (a tombstone)');
    const id = schemaIdOf(value);
    if (id === undefined) throw new PoisonEventError('undecodable', 'value is not in the Confluent wire format');
    const schema = loaded.get(id);
    if (schema instanceof PoisonEventError) throw schema;
    if (schema === undefined) {
      if (unknown.has(id)) {
        throw new PoisonEventError('unknown-schema', `schema id ${id} is not in the registry`);
      }
      throw new Error(`schema id ${id} was not loaded before decoding`);
    }
    const payload = value.subarray(HEADER_LENGTH);
    const outOfBounds = schema.checkBounds?.(payload);
    if (outOfBounds !== undefined) {
      throw new PoisonEventError('undecodable', `value does not fit schema ${id}: ${outOfBounds}`);
    }
    try {
      return schema.type.fromBuffer(payload);
    } catch (error) {
      throw new PoisonEventError('undecodable', `value does not decode with schema ${id}`, { cause: error });
    }
  }

  return {
    async loadSchemas(values) {
      unknown = new Set();
      const ids = new Set<number>();
      for (const value of values) {
        const id = schemaIdOf(value);
        if (id !== undefined && !loaded.has(id)) ids.add(id);
      }
      await Promise.all([...ids].map(load));
    },
    decode: (value) => validateEvent(decodeUnchecked(value)),
    decodeUnchecked,
  };
}
