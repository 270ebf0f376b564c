import pg from 'pg';
import type { Logger } from 'pino';

/** The connection pool; an idle connection dropped by a Postgres restart is logged, never fatal. */
export function createPool(connectionString: string, max: number, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: 3000,
    statement_timeout: 30_000,
    application_name: 'service-b',
  });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection lost'));
  return pool;
}
