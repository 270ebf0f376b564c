import { describe, expect, it } from 'vitest';
import { consumerLag } from './consumer-lag.js';

const ends = [
  { partition: 0, high: '120', low: '0' },
  { partition: 1, high: '50', low: '10' },
  { partition: 2, high: '7', low: '0' },
];

describe('consumerLag', () => {
  it('is the log end offset minus the committed offset, for owned partitions only', () => {
    const committed = [
      { partition: 0, offset: '100' },
      { partition: 1, offset: '50' },
      { partition: 2, offset: '3' },
    ];
    expect(consumerLag([0, 1], ends, committed)).toEqual([
      { partition: 0, lag: 20 },
      { partition: 1, lag: 0 },
    ]);
  });

  it('counts from the log start when the group has committed nothing yet', () => {
    expect(consumerLag([1], ends, [{ partition: 1, offset: '-1' }])).toEqual([{ partition: 1, lag: 40 }]);
    expect(consumerLag([2], ends, [])).toEqual([{ partition: 2, lag: 7 }]);
  });

  it('skips a partition the broker reported no offsets for', () => {
    expect(consumerLag([5], ends, [])).toEqual([]);
  });
});
