import { createProblemCatalog, type Problem as ProblemOf, type RequestError, validationField } from '@calculator/proto';
import { Status } from 'nice-grpc';
import {
  CalculatorError,
  type ErrorCode,
  InvalidArgumentError,
  RequestIdReusedError,
  type TransportErrorCode,
} from '../errors.js';

type LogLevel = 'none' | 'warn' | 'error';

interface ErrorEntry {
  grpc: Status;
  http: number;
  /** The problem's short summary over HTTP, the same for every occurrence of the code. */
  title: string;
  log: LogLevel;
}

/**
 * The one table from service-a's errors to what each transport answers, and whether the edge logs
 * them: client mistakes are not logged; a paused intake is logged once by whoever paused it. The
 * transport codes never reach gRPC (its own transport refuses those calls); SERVICE_UNAVAILABLE and
 * GATEWAY_TIMEOUT are answered by nginx, in front of every instance, with the bodies built here.
 */
export const ERRORS: Readonly<Record<ErrorCode, ErrorEntry>> = Object.freeze({
  INVALID_ARGUMENT: { grpc: Status.INVALID_ARGUMENT, http: 400, title: 'Invalid argument', log: 'none' },
  MALFORMED_JSON: { grpc: Status.INVALID_ARGUMENT, http: 400, title: 'Malformed JSON body', log: 'none' },
  BAD_REQUEST: { grpc: Status.INVALID_ARGUMENT, http: 400, title: 'Bad request', log: 'none' },
  NOT_FOUND: { grpc: Status.UNIMPLEMENTED, http: 404, title: 'No such route', log: 'none' },
  PAYLOAD_TOO_LARGE: { grpc: Status.RESOURCE_EXHAUSTED, http: 413, title: 'Request body too large', log: 'none' },
  UNSUPPORTED_MEDIA_TYPE: { grpc: Status.INVALID_ARGUMENT, http: 415, title: 'Unsupported media type', log: 'none' },
  REQUEST_ID_REUSED: {
    grpc: Status.ALREADY_EXISTS,
    http: 422,
    title: 'Request id already used for other input',
    log: 'none',
  },
  OVERLOADED: { grpc: Status.RESOURCE_EXHAUSTED, http: 429, title: 'Too many calls waiting', log: 'none' },
  INTERNAL: { grpc: Status.INTERNAL, http: 500, title: 'Internal error', log: 'error' },
  OUTBOX_UNAVAILABLE: { grpc: Status.UNAVAILABLE, http: 503, title: 'Calculation not recorded', log: 'warn' },
  WRITES_PAUSED: { grpc: Status.UNAVAILABLE, http: 503, title: 'Writes paused', log: 'none' },
  SHUTTING_DOWN: { grpc: Status.UNAVAILABLE, http: 503, title: 'Instance shutting down', log: 'none' },
  SERVICE_UNAVAILABLE: { grpc: Status.UNAVAILABLE, http: 503, title: 'No instance available', log: 'none' },
  GATEWAY_TIMEOUT: { grpc: Status.DEADLINE_EXCEEDED, http: 504, title: 'No answer in time', log: 'none' },
});

export interface MappedError {
  grpc: Status;
  http: number;
  code: string;
  message: string;
  /** Unexpected errors are logged where they are mapped; client errors are not. */
  log: LogLevel;
}

const INTERNAL_MESSAGE = 'internal error';

export function mapError(error: unknown): MappedError {
  if (error instanceof CalculatorError) {
    const { grpc, http, log } = ERRORS[error.code];
    return { grpc, http, code: error.code, message: error.message, log };
  }
  return { grpc: Status.INTERNAL, http: 500, code: 'INTERNAL', message: INTERNAL_MESSAGE, log: 'error' };
}

/**
 * An RFC 9457 problem as the HTTP API and nginx answer it. `field` is the JSON request property at
 * fault, named as the client sent it; present only when the error is about one field.
 */
export type Problem = ProblemOf<ErrorCode>;

export { PROBLEM_CONTENT_TYPE } from '@calculator/proto';

const catalog = createProblemCatalog<ErrorCode>({
  service: 'service-a',
  entryOf: (code) => ({ status: ERRORS[code].http, title: ERRORS[code].title }),
});

/** The problem type of a code: `urn:calculator:service-a:` and the code in lower case with dashes. */
export const problemOf = catalog.problemOf;

export interface HttpProblem {
  problem: Problem;
  log: LogLevel;
}

/** The gRPC contract's snake_case path (`user_id`, `operands[1]`) as the JSON body names it (`userId`, `operands[1]`). */
const jsonPath = (protoPath: string): string =>
  protoPath.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** The body property a path starts in: `operands[1]` is about `operands`. */
const propertyOf = (path: string): string => path.split(/[[.]/, 1)[0] ?? path;

function calculatorProblem(error: CalculatorError): Problem {
  const protoField =
    error instanceof InvalidArgumentError
      ? error.field
      : error instanceof RequestIdReusedError
        ? 'request_id'
        : undefined;
  if (protoField === undefined) return problemOf(error.code, error.message);
  const path = jsonPath(protoField);
  // The messages start with the field's gRPC name; over HTTP they name it as the client sent it.
  const detail = error.message.startsWith(protoField) ? path + error.message.slice(protoField.length) : error.message;
  return problemOf(error.code, detail, propertyOf(path));
}

const PARSER_CODES: Readonly<Record<string, TransportErrorCode>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

function fastifyProblem(error: RequestError): Problem | undefined {
  if (Array.isArray(error.validation)) {
    return problemOf('INVALID_ARGUMENT', error.message, validationField(error.validation[0]));
  }
  const { statusCode } = error;
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  const code = (typeof error.code === 'string' && PARSER_CODES[error.code]) || 'BAD_REQUEST';
  return problemOf(code, error.message);
}

/** The one place any error of the HTTP transport becomes its problem answer (nginx copies the bodies it needs). */
export function httpProblem(error: unknown): HttpProblem {
  if (error instanceof CalculatorError) return { problem: calculatorProblem(error), log: ERRORS[error.code].log };
  if (error instanceof Error) {
    const problem = fastifyProblem(error as RequestError);
    if (problem !== undefined) return { problem, log: 'none' };
  }
  return { problem: problemOf('INTERNAL', INTERNAL_MESSAGE), log: 'error' };
}
