import { describe, expect, it } from 'vitest';
import { pageCursor } from './page-cursor.js';

describe('pageCursor', () => {
  it.each(['0', '1', '42', '999999999999999999'])('round-trips seq %s', (seq) => {
    const cursor = pageCursor.encode(seq);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(pageCursor.decode(cursor)).toBe(seq);
  });

  const encoded = (text: string) => Buffer.from(text).toString('base64url');

  it.each([
    ['an empty string', ''],
    ['characters outside base64url', 'djE6NDI+'],
    ['padding', `${encoded('v1:4')}=`],
    ['another version', encoded('v2:42')],
    ['no version', encoded('42')],
    ['a non-numeric seq', encoded('v1:abc')],
    ['a negative seq', encoded('v1:-1')],
    ['a seq with leading zeros', encoded('v1:042')],
    ['a seq beyond 18 digits', encoded('v1:1000000000000000000')],
    ['an empty seq', encoded('v1:')],
    // 'djE6NA' is v1:4; the last character's unused low bits set spell the same bytes differently.
    ['a non-canonical spelling of a valid cursor', 'djE6NB'],
  ])('refuses %s', (_case, cursor) => {
    expect(pageCursor.decode(cursor)).toBeUndefined();
  });
});
