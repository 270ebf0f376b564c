import { expect } from 'vitest';
import type { Problem } from './problem-details.js';

/** An HTTP answer as a test sees it, from fetch or from fastify's inject. */
export interface ProblemAnswer {
  status: number;
  contentType: unknown;
  body: unknown;
}

/**
 * The answer is an RFC 9457 problem with this status, code and (only when given) field, and no
 * other member. The type is spelt out here rather than taken from the services' builders, so a
 * change to the URNs fails a test: `urn:calculator:<service>:` and the code in lower case with
 * dashes, service-b's without `ERR_`.
 */
export function expectProblemAnswer(
  answer: ProblemAnswer,
  expected: { status: number; code: string; field?: string; service: 'service-a' | 'service-b' },
): Problem {
  const { status, code, field, service } = expected;
  expect(answer.status).toBe(status);
  expect(answer.contentType).toMatch(/^application\/problem\+json(;|$)/);
  const name = (service === 'service-b' ? code.replace(/^ERR_/, '') : code).toLowerCase().replaceAll('_', '-');
  expect(answer.body).toEqual({
    type: `urn:calculator:${service}:${name}`,
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code,
    ...(field === undefined ? {} : { field }),
  });
  return answer.body as Problem;
}
