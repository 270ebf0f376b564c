import type pg from 'pg';
import type { Logger } from 'pino';

export interface DatabaseProbe {
  isHealthy(): boolean;
  close(): void;
}

/** Checks the database every `intervalMs`, so health reports NOT_SERVING while it is unreachable. */
export function startDatabaseProbe(
  pool: pg.Pool,
  intervalMs: number,
  logger: Logger,
  onChange: (healthy: boolean) => void,
): DatabaseProbe {
  let healthy = true;
  const check = async () => {
    const ok = await pool.query('SELECT 1').then(
      () => true,
      () => false,
    );
    if (ok !== healthy) {
      healthy = ok;
      logger[ok ? 'info' : 'warn']({ healthy }, ok ? 'database reachable again' : 'database unreachable');
      onChange(ok);
    }
  };
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();
  return { isHealthy: () => healthy, close: () => clearInterval(timer) };
}
