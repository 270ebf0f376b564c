/**
 * Checks an Avro payload against its writer schema without decoding it; answers why it cannot be
 * decoded safely, or undefined when every length and count in it fits in the bytes that follow.
 */
export type AvroBoundsCheck = (payload: Uint8Array) => string | undefined;

class Cursor {
  pos = 0;
  error: string | undefined;
  constructor(readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  fail(what: string): false {
    this.error ??= `${what} at byte ${this.pos}`;
    return false;
  }

  /** A zig-zag varint, as int and long are written; undefined once it ran past the end. */
  long(): number | undefined {
    let value = 0;
    let factor = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.bytes[this.pos];
      if (byte === undefined) {
        this.fail('a number runs past the end');
        return undefined;
      }
      this.pos++;
      value += (byte & 0x7f) * factor;
      if (byte < 0x80) return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
      factor *= 128;
    }
    this.fail('a number longer than 10 bytes');
    return undefined;
  }

  skip(length: number, what: string): boolean {
    if (length > this.remaining) return this.fail(`${what} of ${length} bytes, more than the ${this.remaining} left,`);
    this.pos += length;
    return true;
  }
}

type Walk = (cursor: Cursor) => boolean;

/** How to step over one value; `fixedSize` when every value of the type takes the same bytes. */
interface Step {
  walk: Walk;
  minSize: number;
  fixedSize?: number;
}

const fixed = (size: number, what: string): Step => ({
  walk: (cursor) => cursor.skip(size, what),
  minSize: size,
  fixedSize: size,
});

const varint: Step = { walk: (cursor) => cursor.long() !== undefined, minSize: 1 };

const lengthPrefixed = (what: string): Step => ({
  walk: (cursor) => {
    const length = cursor.long();
    if (length === undefined) return false;
    if (length < 0) return cursor.fail(`a ${what} of negative length`);
    return cursor.skip(length, `a ${what}`);
  },
  minSize: 1,
});

const PRIMITIVES: Readonly<Record<string, Step>> = {
  null: { walk: () => true, minSize: 0, fixedSize: 0 },
  boolean: fixed(1, 'a boolean'),
  int: varint,
  long: varint,
  float: fixed(4, 'a float'),
  double: fixed(8, 'a double'),
  bytes: lengthPrefixed('bytes value'),
  string: lengthPrefixed('string'),
};

/**
 * Blocks of items, as arrays and maps are written. A block may not claim more items than bytes are
 * left (an item that takes no bytes still counts as one), so no count can make the decoder loop or
 * allocate beyond the size of the record.
 */
function blocks(item: Step, what: string): Step {
  return {
    walk: (cursor) => {
      for (;;) {
        let count = cursor.long();
        if (count === undefined) return false;
        if (count === 0) return true;
        if (count < 0) {
          count = -count;
          // A negative count is followed by the block's size in bytes.
          const size = cursor.long();
          if (size === undefined) return false;
          if (size < 0) return cursor.fail(`an ${what} block of negative size`);
        }
        if (count * Math.max(1, item.minSize) > cursor.remaining) {
          return cursor.fail(`an ${what} block of ${count} items, more than the ${cursor.remaining} bytes left allow,`);
        }
        if (item.fixedSize !== undefined) {
          cursor.pos += count * item.fixedSize;
          continue;
        }
        for (let i = 0; i < count; i++) if (!item.walk(cursor)) return false;
      }
    },
    minSize: 1,
  };
}

function fullName(name: string, namespace: unknown): string {
  return name.includes('.') || typeof namespace !== 'string' || namespace === '' ? name : `${namespace}.${name}`;
}

function compile(schema: unknown, named: Map<string, Step>, namespace: unknown): Step | undefined {
  if (typeof schema === 'string') {
    const primitive = PRIMITIVES[schema];
    if (primitive) return primitive;
    const target = named.get(schema) ?? named.get(fullName(schema, namespace));
    // Resolved when walked, so that a record may contain itself.
    return target && { walk: (cursor) => target.walk(cursor), minSize: 0 };
  }
  if (Array.isArray(schema)) {
    const branches = schema.map((branch) => compile(branch, named, namespace));
    if (!branches.every((branch) => branch !== undefined)) return undefined;
    return {
      walk: (cursor) => {
        const index = cursor.long();
        if (index === undefined) return false;
        const branch = branches[index];
        return branch ? branch.walk(cursor) : cursor.fail(`union branch ${index} of ${branches.length}`);
      },
      minSize: 1,
    };
  }
  if (typeof schema !== 'object' || schema === null) return undefined;
  const { type, name, fields, items, values, size } = schema as Record<string, unknown>;
  const ownNamespace = (schema as { namespace?: unknown }).namespace ?? namespace;
  if (typeof type !== 'string') return undefined;
  switch (type) {
    case 'record':
    case 'error': {
      if (typeof name !== 'string' || !Array.isArray(fields)) return undefined;
      const record: Step = { walk: () => false, minSize: 0 };
      named.set(fullName(name, ownNamespace), record);
      const steps = fields.map((field: { type?: unknown }) => compile(field?.type, named, ownNamespace));
      if (!steps.every((step) => step !== undefined)) return undefined;
      record.walk = (cursor) => steps.every((step) => step.walk(cursor));
      record.minSize = steps.reduce((total, step) => total + step.minSize, 0);
      if (steps.every((step) => step.fixedSize !== undefined)) record.fixedSize = record.minSize;
      return record;
    }
    case 'enum': {
      if (typeof name === 'string') named.set(fullName(name, ownNamespace), varint);
      return varint;
    }
    case 'fixed': {
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return undefined;
      const step = fixed(size, 'a fixed value');
      if (typeof name === 'string') named.set(fullName(name, ownNamespace), step);
      return step;
    }
    case 'array': {
      const item = compile(items, named, ownNamespace);
      return item && blocks(item, 'array');
    }
    case 'map': {
      const value = compile(values, named, ownNamespace);
      if (!value) return undefined;
      const key = PRIMITIVES.string as Step;
      return blocks({ walk: (cursor) => key.walk(cursor) && value.walk(cursor), minSize: 1 + value.minSize }, 'map');
    }
    default:
      // A primitive written as an object, e.g. { "type": "long", "logicalType": "timestamp-millis" }.
      return PRIMITIVES[type];
  }
}

/**
 * Compiles the check for one writer schema (Avro's JSON form), once per schema id. Undefined when the
 * schema uses something the check does not know; such values are then decoded without it.
 */
export function compileAvroBoundsCheck(schema: unknown): AvroBoundsCheck | undefined {
  const step = compile(schema, new Map(), undefined);
  if (!step) return undefined;
  return (payload) => {
    const cursor = new Cursor(payload);
    step.walk(cursor);
    return cursor.error;
  };
}
