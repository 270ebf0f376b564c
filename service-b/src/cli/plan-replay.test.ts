import { describe, expect, it } from 'vitest';
import { committableOffset, formatReplayLine, planReplay, stripDeadLetterHeaders } from './plan-replay.js';

const original = { id: Buffer.from('e-1'), eventType: Buffer.from('SumCalculated'), traceparent: Buffer.from('00-t') };
const deadLetter = (offset: string, reason = 'unknown-schema', sourceTopic: string | null = 'user-events') => ({
  offset,
  key: Buffer.from('alice'),
  value: Buffer.from([0, 0, 0, 0, 9, 1]),
  headers: {
    ...original,
    'dlq.reason': Buffer.from(reason),
    'dlq.error': Buffer.from('schema id 9 is not in the registry'),
    ...(sourceTopic === null ? {} : { 'dlq.source.topic': Buffer.from(sourceTopic) }),
    'dlq.source.partition': Buffer.from('4'),
    'dlq.source.offset': Buffer.from('1234'),
  },
});
const everyReason = { reasons: undefined, deadLetterTopic: 'user-events.dlq' };

describe('stripDeadLetterHeaders', () => {
  it('removes every dlq.* header and keeps the original ones, values untouched', () => {
    expect(stripDeadLetterHeaders(deadLetter('0').headers)).toEqual(original);
    expect(stripDeadLetterHeaders(undefined)).toEqual({});
  });

  it('keeps a header that merely contains dlq', () => {
    expect(stripDeadLetterHeaders({ 'x-dlq.note': 'a', dlq: 'b' })).toEqual({ 'x-dlq.note': 'a', dlq: 'b' });
  });
});

describe('planReplay', () => {
  it('replays to the source topic with the same key, value bytes and original headers', () => {
    const letter = deadLetter('0');
    const decision = planReplay(letter, everyReason);
    expect(decision).toEqual({
      action: 'replay',
      record: { topic: 'user-events', message: { key: letter.key, value: letter.value, headers: original } },
    });
    if (decision.action === 'replay') expect(decision.record.message.value).toBe(letter.value);
  });

  it('skips reasons the filter does not name', () => {
    const filter = { reasons: ['invalid'], deadLetterTopic: 'user-events.dlq' };
    expect(planReplay(deadLetter('0', 'invalid'), filter).action).toBe('replay');
    expect(planReplay(deadLetter('0', 'unknown-schema'), filter)).toEqual({
      action: 'skip',
      why: 'dlq.reason unknown-schema is not one of invalid',
    });
  });

  it('skips a dead letter that names no source topic, or the dead-letter topic itself', () => {
    expect(planReplay(deadLetter('0', 'invalid', null), everyReason)).toEqual({
      action: 'skip',
      why: 'no dlq.source.topic header',
    });
    expect(planReplay(deadLetter('0', 'invalid', 'user-events.dlq'), everyReason).action).toBe('skip');
  });
});

describe('formatReplayLine', () => {
  it('says what the dead letter was and what a dry run would do with it', () => {
    const letter = deadLetter('7');
    expect(JSON.parse(formatReplayLine('user-events.dlq', 0, letter, planReplay(letter, everyReason), true))).toEqual({
      action: 'would-replay',
      to: 'user-events',
      topic: 'user-events.dlq',
      partition: 0,
      offset: '7',
      key: 'alice',
      id: 'e-1',
      reason: 'unknown-schema',
      error: 'schema id 9 is not in the registry',
      source: { topic: 'user-events', partition: '4', offset: '1234' },
    });
  });

  it('says replayed after a real run, and why a skipped letter was skipped', () => {
    const letter = deadLetter('7');
    expect(JSON.parse(formatReplayLine('d', 0, letter, planReplay(letter, everyReason), false)).action).toBe(
      'replayed',
    );
    expect(JSON.parse(formatReplayLine('d', 0, letter, { action: 'skip', why: 'because' }, false))).toMatchObject({
      action: 'skipped',
      why: 'because',
    });
  });
});

describe('committableOffset', () => {
  const replay = planReplay(deadLetter('0'), everyReason);
  const skip = { action: 'skip', why: 'filtered' } as const;
  const at = (...offsets: number[]) => offsets.map((offset) => ({ offset: String(offset) }));

  it('moves past the whole batch when every letter was replayed', () => {
    expect(committableOffset(at(5, 6, 7), [replay, replay, replay])).toEqual({ offset: '8', blocked: false });
  });

  it('stops before the first skipped letter, so a later run still sees it', () => {
    expect(committableOffset(at(5, 6, 7), [replay, skip, replay])).toEqual({ offset: '6', blocked: true });
  });

  it('does not move when the first letter is skipped', () => {
    expect(committableOffset(at(5, 6), [skip, replay])).toEqual({ offset: undefined, blocked: true });
  });

  it('never replays a letter whose value was cut to fit, and does not hold the offset back for it', () => {
    const letter = {
      offset: '7',
      key: null,
      value: Buffer.from('cut'),
      headers: {
        'dlq.reason': Buffer.from('undecodable'),
        'dlq.source.topic': Buffer.from('user-events'),
        'dlq.truncated': Buffer.from('960000'),
      },
    };
    const decision = planReplay(letter, { reasons: undefined, deadLetterTopic: 'user-events.dlq' });
    expect(decision).toMatchObject({ action: 'skip', final: true });
    expect(committableOffset([letter], [decision])).toEqual({ offset: '8', blocked: false });
  });
});
