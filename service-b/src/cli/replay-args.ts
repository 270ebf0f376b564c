import { parseArgs } from 'node:util';
import { POISON_REASONS, type PoisonReason, UsageError } from '../errors.js';
import { asUsageError } from './command-line.js';

export interface ReplayOptions {
  /** Print what would be replayed; produce nothing, commit nothing. */
  dryRun: boolean;
  /** Replay only dead letters with one of these `dlq.reason`s; undefined replays every reason. */
  reasons: readonly PoisonReason[] | undefined;
}

export const REPLAYER_GROUP_ID = 'dlq-replayer';

export const REPLAY_USAGE = `usage: replay-dead-letters [--dry-run] [--reason R]...

Re-publishes dead letters from the dead-letter topic (default: user-events.dlq) to the topic named in
their dlq.source.topic header, with the same key, value bytes and original headers (the dlq.* headers
removed). Run it once the cause is fixed (e.g. a missing schema registered again); dead letters that
are still poison go back to the dead-letter topic.

Safe to run twice: progress is the committed offset of consumer group ${REPLAYER_GROUP_ID}, moved only after the
broker acknowledged the re-published records (acks=all, idempotent producer), so a second run replays only
dead letters that arrived since. Should a record be replayed again anyway (a crash between produce and
commit, or a --reason filter, below), service-b applies each event id once: re-publishing an event it
has already applied changes nothing.

  --dry-run      print what would be replayed as JSON lines; produce and commit nothing
  --reason R     only dead letters whose dlq.reason is R (${POISON_REASONS.join(', ')}); repeat for more.
                 The group offset does not move past the first dead letter the filter skips, so a later
                 run without the filter still sees the skipped ones (and replays again what follows them)
  -h, --help     this text

Reads KAFKA_BROKERS (default 127.0.0.1:9092) and KAFKA_DEAD_LETTER_TOPIC (default user-events.dlq)
from the environment; prints one JSON line per dead letter on stdout, logs go to stderr.`;

function isPoisonReason(text: string): text is PoisonReason {
  return (POISON_REASONS as readonly string[]).includes(text);
}

/** The command line of `replay-dead-letters`, or 'help' when help was asked for. */
export function parseReplayArgs(args: readonly string[]): ReplayOptions | 'help' {
  const { values, positionals } = asUsageError(() =>
    parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean' },
        reason: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
  const reasons = values.reason?.map((reason) => {
    if (!isPoisonReason(reason)) {
      throw new UsageError(`--reason is one of ${POISON_REASONS.join(', ')}, not ${JSON.stringify(reason)}`);
    }
    return reason;
  });
  return { dryRun: values['dry-run'] ?? false, reasons: reasons && [...new Set(reasons)] };
}
