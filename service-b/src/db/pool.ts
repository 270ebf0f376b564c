import pg from 'pg';
import type { Logger } from 'pino';

/**
 * The connection pool. A Postgres restart ends every connection with an error event: on an idle one
 * the pool's own listener takes it, but a checked-out connection (a transaction between statements,
 * the migration's lock holder) has no listener, and an unhandled 'error' event ends the process.
 * Every connection therefore gets one for its whole life; the failed query rejects as well, and
 * its caller retries.
 */
export function createPool(connectionString: string, max: number, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: 3000,
    statement_timeout: 30_000,
    application_name: 'service-b',
  });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection lost'));
  pool.on('connect', (client) => {
    client.on('error', (error) => logger.debug({ err: error }, 'database connection lost'));
  });
  return pool;
}
