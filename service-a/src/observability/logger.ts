import { type Logger, pino } from 'pino';

/** The process' one root logger: JSON lines on stdout; components take `logger.child({ component })`. */
export function createLogger(options: { level: string; instance: string }): Logger {
  return pino({ level: options.level, base: { service: 'service-a', instance: options.instance } });
}
