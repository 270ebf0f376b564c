import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Logger } from 'pino';

/** Routes the Kafka client's logs into the process' pino logger. */
export function kafkaLogger(logger: Logger): KafkaJS.Logger {
  return {
    info: (message, extra) => logger.info(extra ?? {}, message),
    warn: (message, extra) => logger.warn(extra ?? {}, message),
    error: (message, extra) => logger.error(extra ?? {}, message),
    debug: (message, extra) => logger.debug(extra ?? {}, message),
    namespace: (namespace) => kafkaLogger(logger.child({ namespace })),
    setLogLevel: () => {},
  };
}
