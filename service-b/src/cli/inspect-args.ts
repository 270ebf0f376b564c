import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { asUsageError, parseWholeNumber } from './command-line.js';

export interface InspectOptions {
  topic: string;
  /** Where each partition is read from: its first retained record, or its last `count` records. */
  start: { from: 'beginning' } | { from: 'last'; count: number };
  /** The partitions to read; undefined reads every partition. */
  partitions: readonly number[] | undefined;
  /** Keep printing new records instead of stopping at the end offsets seen at start. */
  follow: boolean;
}

export const DEFAULT_LAST = 10;

export const INSPECT_USAGE = `usage: inspect-topic [topic] [--last N | --from-beginning] [--partition P]... [--follow]

Prints a topic's records as JSON lines: topic, partition, offset, timestamp, key, headers and the
value decoded through the schema registry (or valueError and valueBase64 when it does not decode).
Reads with a throw-away consumer group that commits nothing, so it moves no one's offsets.

  topic               the topic to read (default: $KAFKA_TOPIC, else user-events); user-events.dlq works too
  --last N            the last N records of each partition (default ${DEFAULT_LAST})
  --from-beginning    every retained record
  --partition P       only partition P; repeat for more
  -f, --follow        keep printing new records until Ctrl-C, instead of stopping at the end offsets seen at start
  -h, --help          this text

Reads KAFKA_BROKERS (default 127.0.0.1:9092) and SCHEMA_REGISTRY_URL (default
http://127.0.0.1:8081/apis/ccompat/v7) from the environment; logs go to stderr.`;

/** The command line of `inspect-topic`, or 'help' when help was asked for. */
export function parseInspectArgs(args: readonly string[], defaultTopic: string): InspectOptions | 'help' {
  const { values, positionals } = asUsageError(() =>
    parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: true,
      options: {
        last: { type: 'string' },
        'from-beginning': { type: 'boolean' },
        partition: { type: 'string', multiple: true },
        follow: { type: 'boolean', short: 'f' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) return 'help';
  if (positionals.length > 1) throw new UsageError(`one topic at a time, not ${positionals.join(', ')}`);
  if (values.last !== undefined && values['from-beginning']) {
    throw new UsageError('--last and --from-beginning exclude each other');
  }
  const partitions = values.partition?.map((text) => parseWholeNumber('--partition', text));
  return {
    topic: positionals[0] ?? defaultTopic,
    start: values['from-beginning']
      ? { from: 'beginning' }
      : { from: 'last', count: values.last === undefined ? DEFAULT_LAST : parseWholeNumber('--last', values.last) },
    partitions: partitions && [...new Set(partitions)].sort((a, b) => a - b),
    follow: values.follow ?? false,
  };
}
