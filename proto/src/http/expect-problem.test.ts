import { describe, expect, it } from 'vitest';
import { expectProblemAnswer } from './expect-problem.js';

const answer = (body: object, contentType = 'application/problem+json; charset=utf-8') => ({
  status: 404,
  contentType,
  body: { title: 'Not found', status: 404, detail: 'user u not found', ...body },
});

describe('expectProblemAnswer', () => {
  it("accepts a problem of the service's type URN, and refuses another type, media type or member", () => {
    const expected = { status: 404, code: 'ERR_NOT_FOUND', service: 'service-b' } as const;
    const good = { type: 'urn:calculator:service-b:not-found', code: 'ERR_NOT_FOUND' };
    expect(expectProblemAnswer(answer(good), expected).detail).toBe('user u not found');
    const bad = [
      answer({ ...good, type: 'urn:calculator:service-b:err-not-found' }),
      answer(good, 'application/json'),
      answer({ ...good, field: 'userId' }),
    ];
    for (const problem of bad) expect(() => expectProblemAnswer(problem, expected)).toThrow();
  });
});
