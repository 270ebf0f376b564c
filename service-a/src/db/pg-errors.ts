/**
 * Whether a failed group commit may be the fault of one of its rows, so retrying each caller
 * alone is worthwhile. Errors without an SQLSTATE (network) and the classes for connection loss
 * (08), resources (53), operator intervention (57) and system errors (58, XX) fail the whole batch.
 */
export function isPerRowError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || code.length !== 5) return false;
  return !['08', '53', '57', '58', 'XX'].includes(code.slice(0, 2));
}
