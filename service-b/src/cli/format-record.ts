import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { PoisonEventError } from '../errors.js';

/** The value decoded through the registry, or why it could not be. */
export type DecodedValue = { value: unknown } | { error: unknown };

type HeaderValue = KafkaJS.IHeaders[string];

/** A header's value as UTF-8 text; a header sent more than once keeps every value, in order. */
export function headerText(value: HeaderValue): string | string[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((item) => item.toString());
  return value.toString();
}

/** The first value of a header as text: what a reader of `id` or `dlq.reason` wants. */
export function firstHeaderText(headers: KafkaJS.IHeaders | undefined, name: string): string | undefined {
  const text = headerText(headers?.[name]);
  return Array.isArray(text) ? text[0] : text;
}

/** Why a value did not decode, for `valueError`: the poison reason first when there is one. */
export function describeValueError(error: unknown): string {
  if (error instanceof PoisonEventError) return `${error.reason}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Makes a decoded value printable without losing what JSON would: NaN and ±Infinity (which a poison event
 * may carry) and 64-bit integers as strings, bytes as base64, dates as ISO 8601.
 */
function toJsonSafe(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonSafe);
  return Object.fromEntries(Object.entries(value).map(([name, field]) => [name, toJsonSafe(field)]));
}

function isoTimestamp(timestamp: string): string {
  const ms = Number(timestamp);
  return Number.isSafeInteger(ms) && ms >= 0 ? new Date(ms).toISOString() : timestamp;
}

/** One record as the JSON line `inspect-topic` prints. */
export function formatRecord(
  topic: string,
  partition: number,
  message: Pick<KafkaJS.KafkaMessage, 'offset' | 'timestamp' | 'key' | 'value' | 'headers'>,
  decoded: DecodedValue,
): string {
  const headers = Object.fromEntries(
    Object.entries(message.headers ?? {}).flatMap(([name, value]) => {
      const text = headerText(value);
      return text === undefined ? [] : [[name, text]];
    }),
  );
  const value =
    'value' in decoded
      ? { value: toJsonSafe(decoded.value) }
      : { valueError: describeValueError(decoded.error), valueBase64: message.value?.toString('base64') ?? null };
  return JSON.stringify({
    topic,
    partition,
    offset: message.offset,
    timestamp: isoTimestamp(message.timestamp),
    key: message.key?.toString() ?? null,
    headers,
    ...value,
  });
}
