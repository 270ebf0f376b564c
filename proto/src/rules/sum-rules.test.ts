import { describe, expect, it } from 'vitest';
import { sumRules } from './sum-rules.js';

describe('sumRules', () => {
  it('accepts ids of the id alphabet up to their maximum length', () => {
    expect(sumRules.checkUserId('u'.repeat(sumRules.maxUserIdLength))).toBeUndefined();
    expect(sumRules.checkUserId('alice.b_c:d@e-1')).toBeUndefined();
    expect(sumRules.checkRequestId('r'.repeat(sumRules.maxRequestIdLength))).toBeUndefined();
  });

  it('names the field and the rule an id breaks, in the caller’s words', () => {
    expect(sumRules.checkUserId('')).toEqual({ field: 'user_id', reason: 'is required' });
    expect(sumRules.checkUserId('u'.repeat(129))).toEqual({ field: 'user_id', reason: 'at most 128 characters' });
    expect(sumRules.checkUserId('a b', 'userId')).toEqual({
      field: 'userId',
      reason: 'only letters, digits and . _ : @ - are allowed',
    });
    expect(sumRules.checkRequestId('x/y')?.field).toBe('request_id');
  });

  it('bounds the operand count and names the first non-finite operand', () => {
    expect(sumRules.checkOperands([1, 2.5, -3])).toBeUndefined();
    expect(sumRules.checkOperands(Array.from({ length: sumRules.maxOperands }, () => 1))).toBeUndefined();
    expect(sumRules.checkOperands(Array.from({ length: sumRules.maxOperands + 1 }, () => 1))).toEqual({
      field: 'operands',
      reason: 'at most 10000 numbers',
    });
    expect(sumRules.checkOperands([1, Number.NaN, Number.POSITIVE_INFINITY])).toEqual({
      field: 'operands[1]',
      reason: 'must be a finite number',
    });
  });

  it('refuses a sum that overflowed and any non-finite number', () => {
    expect(sumRules.checkSum(Number.POSITIVE_INFINITY)).toEqual({ field: 'operands', reason: 'the sum overflows' });
    expect(sumRules.checkSum(1e308)).toBeUndefined();
    expect(sumRules.checkFinite('sum', Number.NaN)).toEqual({ field: 'sum', reason: 'must be a finite number' });
  });

  it.each([
    ['a NUL character', 'a\u0000b', 'contains a NUL character'],
    ['a lone high surrogate', 'a\uD800b', 'contains an unpaired UTF-16 surrogate'],
    ['a lone low surrogate', '\uDC00', 'contains an unpaired UTF-16 surrogate'],
  ])('refuses text with %s', (_case, text, reason) => {
    expect(sumRules.checkText('userId', text)).toEqual({ field: 'userId', reason });
  });

  it('accepts any well-formed text, surrogate pairs included', () => {
    expect(sumRules.checkText('userId', 'émoji 😀 ok')).toBeUndefined();
  });
});
