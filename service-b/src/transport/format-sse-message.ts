export interface SseMessage {
  id: string;
  event: string;
  data: string;
}

/** A comment line: clients ignore it, but it keeps proxies and idle timers from closing the stream. */
export const SSE_KEEP_ALIVE = ': keep-alive\n\n';

const LINE_BREAK = /\r\n|\r|\n/;

function assertOneLine(field: string, value: string) {
  if (LINE_BREAK.test(value) || value.includes('\0')) {
    throw new RangeError(`an SSE ${field} cannot contain a line break or NUL: ${JSON.stringify(value)}`);
  }
}

/**
 * A block with only an id: clients dispatch no event for it (there is no data) but still take the
 * id as their Last-Event-ID, which they send back when they reconnect.
 */
export function formatSseId(id: string): string {
  assertOneLine('id', id);
  return `id: ${id}\n\n`;
}

/** One server-sent event: `data` may span lines; `id` and `event` may not, as a line break would end the field. */
export function formatSseMessage({ id, event, data }: SseMessage): string {
  assertOneLine('id', id);
  assertOneLine('event', event);
  const dataLines = data
    .split(LINE_BREAK)
    .map((line) => `data: ${line}\n`)
    .join('');
  return `id: ${id}\nevent: ${event}\n${dataLines}\n`;
}
