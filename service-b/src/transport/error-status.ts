import { createProblemCatalog, type Problem as ProblemOf, type RequestError, validationField } from '@calculator/proto';
import { NotFoundError, TooManyStreamsError } from '../errors.js';

/** Every code the HTTP API answers an error with: the service's own, and the transport's refusals. */
export type HttpErrorCode =
  | 'ERR_VALIDATION'
  | 'ERR_BAD_REQUEST'
  | 'ERR_NOT_FOUND'
  | 'ERR_ROUTE_NOT_FOUND'
  | 'ERR_URI_TOO_LONG'
  | 'ERR_INTERNAL'
  | 'ERR_TOO_MANY_STREAMS'
  | 'ERR_SHUTTING_DOWN';

/**
 * The one table from service-b's errors to HTTP: status and title per code. Only an unexpected
 * error is logged, here at the edge; client mistakes and a full instance are not.
 */
export const HTTP_ERRORS: Readonly<Record<HttpErrorCode, { status: number; title: string }>> = Object.freeze({
  ERR_VALIDATION: { status: 400, title: 'Invalid parameter' },
  ERR_BAD_REQUEST: { status: 400, title: 'Bad request' },
  ERR_NOT_FOUND: { status: 404, title: 'Not found' },
  ERR_ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  ERR_URI_TOO_LONG: { status: 414, title: 'URI too long' },
  ERR_INTERNAL: { status: 500, title: 'Internal error' },
  ERR_TOO_MANY_STREAMS: { status: 503, title: 'Too many streams' },
  ERR_SHUTTING_DOWN: { status: 503, title: 'Instance shutting down' },
});

/**
 * An RFC 9457 problem. `field` is the path, query or header parameter at fault, named as in the
 * API; present only when the error is about one parameter.
 */
export type Problem = ProblemOf<HttpErrorCode>;

export { PROBLEM_CONTENT_TYPE } from '@calculator/proto';

const catalog = createProblemCatalog<HttpErrorCode>({
  service: 'service-b',
  codePrefix: 'ERR_',
  entryOf: (code) => HTTP_ERRORS[code],
});

/** The problem type of a code: `urn:calculator:service-b:` and the code without `ERR_`, in lower case with dashes. */
export const problemOf = catalog.problemOf;

function fastifyProblem(error: RequestError): Problem | undefined {
  if (Array.isArray(error.validation))
    return problemOf('ERR_VALIDATION', error.message, validationField(error.validation[0]));
  const { statusCode } = error;
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  return problemOf(statusCode === 414 ? 'ERR_URI_TOO_LONG' : 'ERR_BAD_REQUEST', error.message);
}

const INTERNAL_DETAIL = 'internal error';

/** The one place any error of the HTTP API becomes its problem answer; `log` when it is unexpected. */
export function httpProblem(error: unknown): { problem: Problem; log: boolean } {
  if (error instanceof NotFoundError || error instanceof TooManyStreamsError) {
    return { problem: problemOf(error.code, error.message), log: false };
  }
  if (error instanceof Error) {
    const problem = fastifyProblem(error as RequestError);
    if (problem !== undefined) return { problem, log: false };
  }
  return { problem: problemOf('ERR_INTERNAL', INTERNAL_DETAIL), log: true };
}
