import { type SumCalculated, sumCalculatedAvroSchema } from '@calculator/proto';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { PoisonEventError } from '../errors.js';
import { createEventDecoder, type SchemaSource } from './event-decoder.js';

const type = avro.Type.forSchema(JSON.parse(sumCalculatedAvroSchema));
const SCHEMA_ID = 7;

const event: SumCalculated = {
  eventId: '019a8f3e-1c2b-7d4e-8f00-123456789abc',
  userId: 'alice',
  operands: [1, 2],
  sum: 3,
  requestId: null,
  createdAt: 1_790_000_000_000,
};

/** Confluent wire format: magic byte 0, the schema id, the Avro payload. */
function framed(payload: Buffer, schemaId = SCHEMA_ID): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, payload]);
}

const encode = (value: unknown, schemaId = SCHEMA_ID) => framed(type.toBuffer(value), schemaId);

/** Answers schema ids like the registry client: the parsed type, a 404, or an outage. */
function fakeRegistry(answers: Record<number, unknown> = { [SCHEMA_ID]: type }) {
  const asked: number[] = [];
  let down = false;
  const registry: SchemaSource = {
    async getSchema(id) {
      asked.push(id);
      if (down) throw Object.assign(new Error('connect ECONNREFUSED'), { status: 400 });
      if (!(id in answers)) throw Object.assign(new Error('Schema not found'), { status: 404 });
      return answers[id];
    },
  };
  return {
    registry,
    asked,
    setDown: (value: boolean) => {
      down = value;
    },
  };
}

function poison(fn: () => unknown): PoisonEventError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PoisonEventError) return error;
    throw error;
  }
  throw new Error('expected a PoisonEventError');
}

describe('createEventDecoder', () => {
  it('decodes synchronously once the schema is loaded, asking the registry once per id', async () => {
    const { registry, asked } = fakeRegistry();
    const decoder = createEventDecoder(registry);
    const values = [encode(event), encode({ ...event, sum: 4, operands: [2, 2] })];
    await decoder.loadSchemas(values);
    await decoder.loadSchemas(values);
    expect(values.map((value) => decoder.decode(value))).toEqual([event, { ...event, sum: 4, operands: [2, 2] }]);
    expect(asked).toEqual([SCHEMA_ID]);
  });

  it('keeps decoding while the registry is down, for the ids it already knows', async () => {
    const { registry, setDown } = fakeRegistry();
    const decoder = createEventDecoder(registry);
    await decoder.loadSchemas([encode(event)]);
    setDown(true);
    await decoder.loadSchemas([encode(event)]);
    expect(decoder.decode(encode(event))).toEqual(event);
  });

  it('rejects the load while the registry cannot answer for an id it has not seen: transient, not poison', async () => {
    const { registry, setDown } = fakeRegistry();
    const decoder = createEventDecoder(registry);
    setDown(true);
    await expect(decoder.loadSchemas([encode(event)])).rejects.toThrow('ECONNREFUSED');
    setDown(false);
    await decoder.loadSchemas([encode(event)]);
    expect(decoder.decode(encode(event))).toEqual(event);
  });

  it('calls an id the registry does not know unknown-schema, and asks again at the next load', async () => {
    const { registry, asked } = fakeRegistry();
    const decoder = createEventDecoder(registry);
    const value = encode(event, 99);
    await decoder.loadSchemas([value]);
    expect(poison(() => decoder.decode(value)).reason).toBe('unknown-schema');
    await decoder.loadSchemas([value]);
    expect(asked).toEqual([99, 99]);
  });

  it('calls a schema that is not Avro unknown-schema', async () => {
    const { registry } = fakeRegistry({ 3: { validate: () => true } });
    const decoder = createEventDecoder(registry);
    await decoder.loadSchemas([encode(event, 3)]);
    expect(poison(() => decoder.decode(encode(event, 3))).message).toBe('schema id 3 is not an Avro schema');
  });

  it.each([
    ['a null value (a tombstone)', null],
    ['bytes without the wire format', Buffer.from('not an avro record')],
    ['a payload cut short', encode(event).subarray(0, 20)],
    ['trailing bytes', Buffer.concat([encode(event), Buffer.from([1])])],
  ])('calls %s undecodable', async (_case, value) => {
    const { registry } = fakeRegistry();
    const decoder = createEventDecoder(registry);
    await decoder.loadSchemas([value]);
    expect(poison(() => decoder.decode(value)).reason).toBe('undecodable');
  });

  it('refuses a length beyond the record before the decoder allocates for it', async () => {
    let decoded = 0;
    const counting = {
      schema: () => type.schema(),
      fromBuffer: (payload: Buffer) => {
        decoded++;
        return type.fromBuffer(payload);
      },
    };
    const { registry } = fakeRegistry({ [SCHEMA_ID]: counting });
    const decoder = createEventDecoder(registry);
    // An eventId claiming 2^50 bytes in a 9-byte record.
    const value = framed(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x04, 0x61]));
    await decoder.loadSchemas([value]);
    const error = poison(() => decoder.decode(value));
    expect(error.reason).toBe('undecodable');
    expect(error.message).toMatch(/^value does not fit schema 7: a string of \d+ bytes, more than the 1 left/);
    expect(decoded).toBe(0);
  });

  it('calls a decodable event that breaks the shared rules invalid, and decodeUnchecked still shows it', async () => {
    const { registry } = fakeRegistry();
    const decoder = createEventDecoder(registry);
    const value = encode({ ...event, userId: 'nul\u0000user' });
    await decoder.loadSchemas([value]);
    expect(poison(() => decoder.decode(value)).reason).toBe('invalid');
    expect(decoder.decodeUnchecked(value)).toEqual({ ...event, userId: 'nul\u0000user' });
  });

  it('throws a plain error, not poison, for a value whose schema was never loaded', () => {
    const decoder = createEventDecoder(fakeRegistry().registry);
    expect(() => decoder.decode(encode(event))).toThrow('schema id 7 was not loaded before decoding');
  });
});
