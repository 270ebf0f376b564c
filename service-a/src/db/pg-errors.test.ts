import { describe, expect, it } from 'vitest';
import { isPerRowError } from './pg-errors.js';

describe('isPerRowError', () => {
  it('treats constraint and data errors as one row at fault', () => {
    expect(isPerRowError({ code: '23505' })).toBe(true);
    expect(isPerRowError({ code: '22P02' })).toBe(true);
  });

  it('treats connection loss, shutdown and network errors as the whole batch failing', () => {
    expect(isPerRowError({ code: '08006' })).toBe(false);
    expect(isPerRowError({ code: '57P01' })).toBe(false);
    expect(isPerRowError({ code: 'ECONNREFUSED' })).toBe(false);
    expect(isPerRowError(new Error('timeout'))).toBe(false);
  });
});
