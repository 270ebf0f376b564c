import { once } from 'node:events';
import type { Logger } from 'pino';
import { UsageError } from '../errors.js';

export interface CommandContext {
  /** Aborted by Ctrl-C or SIGTERM, or when the reader of stdout went away (`| head`). */
  signal: AbortSignal;
  /** Writes one line of the command's output to stdout, waiting while its reader is behind. */
  writeLine(line: string): Promise<void>;
}

/**
 * Runs an operator command and sets the exit code: 0 done (also when stopped by a signal), 1 failed,
 * 2 bad usage (printed with the usage on stderr). The first Ctrl-C lets the command close its clients
 * (leaving its consumer group at once rather than after a session timeout); a second one exits.
 */
export async function runCommand(
  usage: string,
  logger: Logger,
  command: (context: CommandContext) => Promise<void>,
): Promise<void> {
  const controller = new AbortController();
  let stdoutGone = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    logger.info({ signal }, 'stopping');
    controller.abort();
  };
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    stdoutGone = true;
    if (error.code !== 'EPIPE') logger.error({ err: error }, 'cannot write to stdout');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.stdout.on('error', onStdoutError);

  const writeLine = async (line: string) => {
    if (stdoutGone) return;
    if (!process.stdout.write(`${line}\n`)) {
      await once(process.stdout, 'drain', { signal: controller.signal }).catch(() => {});
    }
  };

  try {
    await command({ signal: controller.signal, writeLine });
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${usage}\n`);
      process.exitCode = 2;
    } else {
      logger.error({ err: error }, 'command failed');
      process.exitCode = 1;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
