import { afterAll, describe, expect, it } from 'vitest';
import { calculatorClient, eventually, freshUserId, runFromRepo, stack } from './stack.js';

const { client, close } = calculatorClient();
afterAll(close);

/** `make inspect`, as an operator runs it: its stdout, one JSON line per record. */
async function inspect(args: string): Promise<Record<string, unknown>[]> {
  const stdout = await runFromRepo('make', '--no-print-directory', 'inspect', `ARGS=${args}`);
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('make inspect', () => {
  it('prints a record of user-events decoded through the registry, with key, headers, partition and offset', async () => {
    const userId = freshUserId('inspect');
    const answer = await client.calculateSum({ userId, operands: [20, 22], requestId: 'inspect-1' });
    const ours = (records: Record<string, unknown>[]) =>
      records.find((r) => (r.headers as Record<string, string>)?.id === answer.eventId);

    // The newest records of every partition hold ours (eventually: Debezium publishes it shortly).
    const found = await eventually('the record in make inspect', async () => ours(await inspect('--last 20')));
    const partition = found.partition as number;
    const records = await inspect(`--partition ${partition} --last 5`);
    expect(ours(records)).toMatchObject({
      topic: stack.topic,
      partition,
      offset: expect.stringMatching(/^\d+$/),
      key: userId,
      headers: { id: answer.eventId, eventType: 'SumCalculated' },
      value: { eventId: answer.eventId, userId, operands: [20, 22], sum: 42, requestId: 'inspect-1' },
    });
    expect(records.every((r) => r.partition === partition)).toBe(true);
  });
});
