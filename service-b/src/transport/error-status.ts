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
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: HttpErrorCode;
  field?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The problem type of a code: `urn:calculator:service-b:` and the code without `ERR_`, in lower case with dashes. */
export const problemType = (code: HttpErrorCode): string =>
  `urn:calculator:service-b:${code.slice('ERR_'.length).toLowerCase().replaceAll('_', '-')}`;

export function problemOf(code: HttpErrorCode, detail: string, field?: string): Problem {
  const { status, title } = HTTP_ERRORS[code];
  const problem: Problem = { type: problemType(code), title, status, detail, code };
  if (field !== undefined) problem.field = field;
  return problem;
}

interface AjvError {
  instancePath: string;
  keyword: string;
  params: { missingProperty?: unknown };
}

/** What fastify throws before a handler runs: a schema validation or request refusal. */
interface FastifyError {
  code?: unknown;
  statusCode?: unknown;
  message: string;
  validation?: readonly AjvError[];
}

/** The parameter an ajv error is about: `/limit` → `limit`, a missing one by its name. */
function ajvField(error: AjvError | undefined): string | undefined {
  if (error === undefined) return undefined;
  const parameter = error.instancePath.split('/')[1];
  if (parameter !== undefined && parameter !== '') return parameter;
  const missing = error.params.missingProperty;
  return error.keyword === 'required' && typeof missing === 'string' ? missing : undefined;
}

function fastifyProblem(error: FastifyError): Problem | undefined {
  if (Array.isArray(error.validation)) return problemOf('ERR_VALIDATION', error.message, ajvField(error.validation[0]));
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
    const problem = fastifyProblem(error as FastifyError);
    if (problem !== undefined) return { problem, log: false };
  }
  return { problem: problemOf('ERR_INTERNAL', INTERNAL_DETAIL), log: true };
}
