import { describe, expect, it } from 'vitest';
import { inputDigest } from './input-digest.js';

describe('inputDigest', () => {
  it('is the same for the same user and operands', () => {
    expect(inputDigest('alice', [1, 2.5])).toEqual(inputDigest('alice', [1, 2.5]));
    expect(inputDigest('alice', [1, 2.5])).toHaveLength(32);
  });

  it('tells apart inputs with the same sum and operand count', () => {
    const digests = [[1, 2], [2, 1], [0, 3], [3]].map((operands) => inputDigest('alice', operands).toString('hex'));
    expect(new Set(digests).size).toBe(4);
  });

  it('tells apart users, and a user id from its first operand', () => {
    expect(inputDigest('alice', [1])).not.toEqual(inputDigest('bob', [1]));
    expect(inputDigest('a', [])).not.toEqual(inputDigest('', [])); // the length prefix keeps fields apart
  });

  it('keeps the exact operand bits (0 and -0 are different input)', () => {
    expect(inputDigest('alice', [0])).not.toEqual(inputDigest('alice', [-0]));
    expect(inputDigest('alice', [0.1 + 0.2])).not.toEqual(inputDigest('alice', [0.3]));
  });
});
