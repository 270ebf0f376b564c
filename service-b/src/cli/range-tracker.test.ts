import { describe, expect, it } from 'vitest';
import { trackRanges } from './range-tracker.js';

const at = (...offsets: number[]) => offsets.map((offset) => ({ offset: String(offset) }));

describe('trackRanges', () => {
  it('is done at once when every range is empty, and has nothing to assign', () => {
    const tracker = trackRanges([{ partition: 0, start: 5n, end: 5n }]);
    expect(tracker.isDone()).toBe(true);
    expect(tracker.pending()).toEqual([]);
  });

  it('keeps records inside the range only: not before the position, not from the end seen at start on', () => {
    const tracker = trackRanges([{ partition: 0, start: 2n, end: 5n }]);
    expect(tracker.slice(0, at(1, 2, 3, 4, 5, 6))).toEqual(at(2, 3, 4));
    expect(tracker.slice(9, at(1))).toEqual([]);
  });

  it('is done once every partition read the record before its end', () => {
    const tracker = trackRanges([
      { partition: 0, start: 0n, end: 2n },
      { partition: 1, start: 0n, end: 1n },
    ]);
    tracker.markRead(0, at(0, 1));
    expect(tracker.isDone()).toBe(false);
    expect(tracker.pending()).toEqual([{ partition: 1, offset: 0n }]);
    tracker.markRead(1, at(0));
    expect(tracker.isDone()).toBe(true);
  });

  it('counts a batch reaching past the end as the end reached', () => {
    const tracker = trackRanges([{ partition: 0, start: 0n, end: 2n }]);
    tracker.markRead(0, at(0, 1, 2, 3));
    expect(tracker.isDone()).toBe(true);
  });

  it('resumes after the last record read, and never moves back on a redelivered batch', () => {
    const tracker = trackRanges([{ partition: 0, start: 0n, end: 10n }]);
    tracker.markRead(0, at(0, 1, 2, 3));
    tracker.markRead(0, at(1, 2));
    expect(tracker.pending()).toEqual([{ partition: 0, offset: 4n }]);
    expect(tracker.slice(0, at(2, 3, 4))).toEqual(at(4));
  });

  it('is never done when following', () => {
    const tracker = trackRanges([{ partition: 0, start: 0n, end: undefined }]);
    tracker.markRead(0, at(0, 1, 2));
    expect(tracker.isDone()).toBe(false);
    expect(tracker.slice(0, at(3, 1000))).toEqual(at(3, 1000));
  });
});
