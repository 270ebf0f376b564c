import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * The process' one root logger: JSON lines on stdout unless given another destination (the operator
 * commands log to stderr, their stdout is their output); components take `logger.child({ component })`.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'service-b' } };
  return destination ? pino(options, destination) : pino(options);
}
