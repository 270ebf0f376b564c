/**
 * What a failed database call says about its cause:
 * - `record`: the data was refused (SQLSTATE classes 21 cardinality, 22 data exception, 23 integrity
 *   constraint, 54 program limit exceeded): retrying the same rows fails the same way, smaller
 *   batches find the rows at fault;
 * - `unreachable`: no connection (network errors, class 08, and the server shutting down or starting:
 *   57P01-57P03);
 * - `refused`: the server answered and refused for its own reasons (read-only, out of disk or
 *   connections, a timeout, a missing table): the batch is not at fault;
 * - `other`: an error without an SQLSTATE that is not a connection error.
 */
export type PgErrorKind = 'record' | 'unreachable' | 'refused' | 'other';

const RECORD_CLASSES = new Set(['21', '22', '23', '54']);
const SERVER_GOING_AWAY = new Set(['57P01', '57P02', '57P03']);
const SQLSTATE = /^[0-9A-Z]{5}$/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
]);
// What pg and pg-pool throw when the connection is gone, has no code.
const CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|connection timeout/i;

export function pgErrorKind(error: unknown): PgErrorKind {
  const code = (error as { code?: unknown } | null)?.code;
  // Before the SQLSTATE test: EPIPE has five letters too.
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'unreachable';
  if (typeof code === 'string' && SQLSTATE.test(code)) {
    if (RECORD_CLASSES.has(code.slice(0, 2))) return 'record';
    if (code.startsWith('08') || SERVER_GOING_AWAY.has(code)) return 'unreachable';
    return 'refused';
  }
  const message = error instanceof Error ? error.message : '';
  return CONNECTION_MESSAGES.test(message) ? 'unreachable' : 'other';
}
