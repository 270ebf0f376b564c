import type { Problem } from '@calculator/proto';
import { expectProblemAnswer } from '@calculator/proto/testing';

/**
 * The response is an RFC 9457 problem with this status, code and (only when given) field, and no
 * other member: the error contract of both HTTP APIs, and of nginx in front of service-a.
 */
export async function expectProblem(
  response: Response,
  expected: { status: number; code: string; field?: string; service: 'service-a' | 'service-b' },
): Promise<Problem> {
  const body: unknown = await response.json();
  return expectProblemAnswer(
    { status: response.status, contentType: response.headers.get('content-type'), body },
    expected,
  );
}
