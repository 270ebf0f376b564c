import { describe, expect, it } from 'vitest';
import { linePath, niceMax } from './line-chart.js';

const box = { width: 100, height: 50, from: 0, to: 10, max: 10 };

describe('linePath', () => {
  it('scales time to the width and value to the height, 0 at the bottom', () => {
    expect(
      linePath(
        [
          [0, 0],
          [5, 5],
          [10, 10],
        ],
        box,
      ),
    ).toBe('M0,50L50,25L100,0');
  });

  it('lifts the pen over a value that is not finite', () => {
    expect(
      linePath(
        [
          [0, 1],
          [5, Number.NaN],
          [10, 1],
        ],
        box,
      ),
    ).toBe('M0,45M100,45');
  });

  it('draws nothing for no points', () => {
    expect(linePath([], box)).toBe('');
  });
});

describe('niceMax', () => {
  it.each([
    [0, 1],
    [0.3, 0.5],
    [3, 5],
    [7, 10],
    [120, 200],
    [Number.NaN, 1],
  ])('tops %d with %d', (value, top) => {
    expect(niceMax(value)).toBeCloseTo(top);
  });
});
