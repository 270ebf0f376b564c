import { expect } from 'vitest';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  field?: string;
}

/**
 * The response is an RFC 9457 problem with this status, code and (only when given) field, and no
 * other member: the error contract of both HTTP APIs, and of nginx in front of service-a.
 */
export async function expectProblem(
  response: Response,
  expected: { status: number; code: string; field?: string; service: 'service-a' | 'service-b' },
): Promise<Problem> {
  const { status, code, field, service } = expected;
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json(;|$)/);
  const body = (await response.json()) as Problem;
  const name = (service === 'service-b' ? code.replace(/^ERR_/, '') : code).toLowerCase().replaceAll('_', '-');
  expect(body).toEqual({
    type: `urn:calculator:${service}:${name}`,
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code,
    ...(field === undefined ? {} : { field }),
  });
  return body;
}
