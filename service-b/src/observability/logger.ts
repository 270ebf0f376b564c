import { type Logger, pino } from 'pino';

/** The process' one root logger: JSON lines on stdout; components take `logger.child({ component })`. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'service-b' } });
}
