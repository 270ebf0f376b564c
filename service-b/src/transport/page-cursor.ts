import { SEQ_PATTERN } from './api-schemas.js';

// Versioned so the position a cursor holds can change shape without old cursors being misread.
const PREFIX = 'v1:';
const SEQ = new RegExp(SEQ_PATTERN);
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The opaque `cursor` of the paged lists: base64url of the seq of the last item a page held. Apply
 * order never changes, so a page cut after that seq stays the same however many rows arrive.
 */
export const pageCursor = {
  encode(seq: string): string {
    return Buffer.from(`${PREFIX}${seq}`, 'utf8').toString('base64url');
  },

  /** The seq a cursor holds, or undefined for anything `encode` cannot have produced. */
  decode(cursor: string): string | undefined {
    if (!BASE64URL.test(cursor)) return undefined;
    const text = Buffer.from(cursor, 'base64url').toString('utf8');
    if (!text.startsWith(PREFIX)) return undefined;
    const seq = text.slice(PREFIX.length);
    // Node's decoder skips what it cannot read; re-encoding refuses such near-misses.
    return SEQ.test(seq) && pageCursor.encode(seq) === cursor ? seq : undefined;
  },
};
