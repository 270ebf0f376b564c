import { describe, expect, it } from 'vitest';
import { formatSseId, formatSseMessage, SSE_KEEP_ALIVE } from './format-sse-message.js';

describe('formatSseMessage', () => {
  it('writes id, event and data, ended by a blank line', () => {
    expect(formatSseMessage({ id: '7', event: 'calculation', data: '{"sum":3}' })).toBe(
      'id: 7\nevent: calculation\ndata: {"sum":3}\n\n',
    );
  });

  it('splits multi-line data into one data field per line, whatever the line ending', () => {
    expect(formatSseMessage({ id: '1', event: 'e', data: 'a\nb\r\nc\rd' })).toBe(
      'id: 1\nevent: e\ndata: a\ndata: b\ndata: c\ndata: d\n\n',
    );
  });

  it('sends empty data as one empty data field, which a client still dispatches', () => {
    expect(formatSseMessage({ id: '1', event: 'e', data: '' })).toBe('id: 1\nevent: e\ndata: \n\n');
  });

  it.each([
    ['an id with a line break', { id: '1\n2', event: 'e' }],
    ['an event with a carriage return', { id: '1', event: 'e\r' }],
    ['an id with NUL', { id: '1\0', event: 'e' }],
  ])('refuses %s', (_case, fields) => {
    expect(() => formatSseMessage({ ...fields, data: '' })).toThrow(RangeError);
  });

  it('writes an id on its own, which sets the client’s Last-Event-ID without an event', () => {
    expect(formatSseId('12')).toBe('id: 12\n\n');
    expect(() => formatSseId('1\n')).toThrow(RangeError);
  });

  it('keeps the connection alive with a comment, which clients ignore', () => {
    expect(SSE_KEEP_ALIVE).toBe(': keep-alive\n\n');
  });
});
