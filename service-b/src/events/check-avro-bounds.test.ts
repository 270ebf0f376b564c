import { sumCalculatedAvroSchema } from '@calculator/proto';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { compileAvroBoundsCheck } from './check-avro-bounds.js';

const sumCalculated = avro.Type.forSchema(JSON.parse(sumCalculatedAvroSchema));
const check = compileAvroBoundsCheck(sumCalculated.schema());

const event = {
  eventId: '019a8f3e-1c2b-7d4e-8f00-123456789abc',
  userId: 'alice',
  operands: [1, 2.5],
  sum: 3.5,
  requestId: 'r-1',
  createdAt: 1_790_000_000_000,
};

/** Avro's zig-zag varint, for hand-made payloads. */
function varint(value: number): number[] {
  let n = value >= 0 ? value * 2 : -value * 2 - 1;
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  bytes.push(n);
  return bytes;
}

const string = (text: string) => [...varint(Buffer.byteLength(text)), ...Buffer.from(text)];

describe('compileAvroBoundsCheck', () => {
  it('passes every value the schema encodes', () => {
    expect(check).toBeDefined();
    expect(check?.(sumCalculated.toBuffer(event))).toBeUndefined();
    expect(check?.(sumCalculated.toBuffer({ ...event, requestId: null, operands: [] }))).toBeUndefined();
    const many = { ...event, operands: Array.from({ length: 10_000 }, (_, i) => i) };
    expect(check?.(sumCalculated.toBuffer(many))).toBeUndefined();
  });

  it('refuses a string that claims more bytes than the payload has', () => {
    const payload = Buffer.from([...varint(2 ** 40), 0x61]);
    expect(check?.(payload)).toMatch(/^a string of 1099511627776 bytes, more than the 1 left, at byte 6$/);
  });

  it('refuses an array block that claims more items than the bytes left could hold', () => {
    const payload = Buffer.from([...string(event.eventId), ...string('alice'), ...varint(1_000_000_000), 0, 0]);
    expect(check?.(payload)).toMatch(/^an array block of 1000000000 items/);
    // Three doubles do not fit in 16 bytes either, however few they are.
    const short = Buffer.from([...string(event.eventId), ...string('alice'), ...varint(3), ...new Array(16).fill(0)]);
    expect(check?.(short)).toMatch(/^an array block of 3 items/);
  });

  it('refuses negative lengths, unknown union branches and numbers that never end', () => {
    expect(check?.(Buffer.from(varint(-1)))).toMatch(/^a string of negative length/);
    const prefix = sumCalculated.toBuffer({ ...event, requestId: null });
    const union = Buffer.from(prefix);
    // requestId's union index sits right after the sum double: 2 names a branch the union lacks.
    union[union.length - 1 - varint(event.createdAt).length] = varint(2)[0] as number;
    expect(check?.(union)).toMatch(/^union branch 2 of 2/);
    expect(check?.(Buffer.from(new Array(11).fill(0xff)))).toMatch(/^a number longer than 10 bytes/);
    expect(check?.(Buffer.alloc(0))).toMatch(/^a number runs past the end/);
  });

  it('follows negative block counts, which carry their size in bytes', () => {
    const array = avro.Type.forSchema({ type: 'array', items: 'string' });
    const checkArray = compileAvroBoundsCheck(array.schema());
    const blocked = Buffer.from([...varint(-2), ...varint(4), ...string('a'), ...string('b'), 0]);
    expect(array.fromBuffer(blocked)).toEqual(['a', 'b']);
    expect(checkArray?.(blocked)).toBeUndefined();
  });

  it('knows maps, enums, fixed, logical types and records that contain themselves', () => {
    const schema = {
      type: 'record',
      name: 'Node',
      namespace: 'test',
      fields: [
        { name: 'tags', type: { type: 'map', values: 'long' } },
        { name: 'colour', type: { type: 'enum', name: 'Colour', symbols: ['RED', 'GREEN'] } },
        { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 4 } },
        { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'flag', type: 'boolean' },
        { name: 'ratio', type: 'float' },
        { name: 'blob', type: 'bytes' },
        { name: 'next', type: ['null', 'test.Node'] },
      ],
    };
    const type = avro.Type.forSchema(schema as avro.Schema);
    const checkNode = compileAvroBoundsCheck(type.schema());
    expect(checkNode).toBeDefined();
    const leaf = {
      tags: {},
      colour: 'RED',
      hash: Buffer.alloc(4),
      at: 1,
      flag: true,
      ratio: 0.5,
      blob: Buffer.from('x'),
    };
    const value = { ...leaf, tags: { a: 1, b: 2 }, next: { ...leaf, next: null } };
    expect(checkNode?.(type.toBuffer({ ...value, next: { ...leaf, next: null } }))).toBeUndefined();
    const truncated = type.toBuffer({ ...leaf, next: null }).subarray(0, 6);
    expect(checkNode?.(truncated)).toMatch(/runs past the end|more than the/);
  });

  it('gives up, rather than guess, on a schema it does not know', () => {
    expect(compileAvroBoundsCheck({ type: 'record', name: 'R', fields: [{ name: 'x', type: 'unheard.Of' }] })).toBe(
      undefined,
    );
    expect(compileAvroBoundsCheck(42)).toBeUndefined();
  });
});
