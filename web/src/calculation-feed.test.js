import { describe, expect, it } from 'vitest';
import { createCalculationFeed, endToEndMs } from './calculation-feed.js';

/** @param {string} seq */
const calculation = (seq) => ({
  seq,
  eventId: `e-${seq}`,
  userId: 'alice',
  operands: [1],
  sum: 1,
  requestId: null,
  createdAt: '2026-12-02T01:00:00.000Z',
  appliedAt: '2026-12-02T01:00:00.250Z',
});

describe('createCalculationFeed', () => {
  it('keeps the newest first', () => {
    const feed = createCalculationFeed(10);
    feed.accept(calculation('1'));
    feed.accept(calculation('2'));
    expect(feed.rows.map((row) => row.seq)).toEqual(['2', '1']);
    expect(feed.lastSeq).toBe('2');
  });

  it('drops a repeat and anything at or before the newest seq, comparing as numbers', () => {
    const feed = createCalculationFeed(10);
    expect(feed.accept(calculation('9'))).toBe(true);
    expect(feed.accept(calculation('10'))).toBe(true);
    expect(feed.accept(calculation('10'))).toBe(false);
    expect(feed.accept(calculation('9'))).toBe(false);
    expect(feed.rows.map((row) => row.seq)).toEqual(['10', '9']);
  });

  it('compares seqs beyond what a double holds exactly', () => {
    const feed = createCalculationFeed(10);
    feed.accept(calculation('900719925474099300'));
    expect(feed.accept(calculation('900719925474099301'))).toBe(true);
  });

  it('keeps at most its capacity, dropping the oldest', () => {
    const feed = createCalculationFeed(2);
    for (const seq of ['1', '2', '3']) feed.accept(calculation(seq));
    expect(feed.rows.map((row) => row.seq)).toEqual(['3', '2']);
  });

  it('has no position before the first row', () => {
    expect(createCalculationFeed(1).lastSeq).toBeUndefined();
  });
});

describe('endToEndMs', () => {
  it('is the time from createdAt to appliedAt', () => {
    expect(endToEndMs(calculation('1'))).toBe(250);
  });
});
