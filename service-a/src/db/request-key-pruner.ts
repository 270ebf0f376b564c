import type pg from 'pg';
import type { Logger } from 'pino';

// Small slices keep each DELETE short; several instances pruning at once only share the work.
const PRUNE_SLICE = `
  DELETE FROM request_keys WHERE ctid IN (
    SELECT ctid FROM request_keys WHERE created_at < now() - make_interval(secs => $1) LIMIT 5000)`;

/** Deletes idempotency keys older than the window, every `intervalMs`: this is what bounds request_keys. */
export function startRequestKeyPruner(pool: pg.Pool, windowSeconds: number, intervalMs: number, logger: Logger) {
  const prune = async () => {
    try {
      let deleted = 0;
      for (;;) {
        const result = await pool.query(PRUNE_SLICE, [windowSeconds]);
        deleted += result.rowCount ?? 0;
        if ((result.rowCount ?? 0) < 5000) break;
      }
      if (deleted > 0) logger.info({ deleted, windowSeconds }, 'pruned expired idempotency keys');
    } catch (error) {
      logger.warn({ err: error }, 'pruning idempotency keys failed; will retry');
    }
  };
  const timer = setInterval(() => void prune(), intervalMs);
  timer.unref();
  return { close: () => clearInterval(timer) };
}
