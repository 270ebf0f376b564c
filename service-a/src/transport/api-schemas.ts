import { sumRules } from '@calculator/proto';
import type { ErrorCode } from '../errors.js';
import { ERRORS, PROBLEM_CONTENT_TYPE } from './error-status.js';

// The HTTP routes' JSON schemas. Fastify validates and serialises with them, and the OpenAPI
// document is built from the routes registered with them, so the two cannot drift apart.

/** A route's schema: what fastify reads, plus the OpenAPI operation fields fastify ignores. */
export interface RouteSchema {
  operationId: string;
  summary: string;
  description?: string;
  body?: JsonSchema;
  response: Readonly<Record<number, JsonSchema>>;
}

export type JsonSchema = Readonly<Record<string, unknown>>;

const ID_RULE = `at most ${sumRules.maxUserIdLength} characters of A-Z a-z 0-9 . _ : @ -`;

// Only the JSON types are checked here; the rules gRPC enforces too (lengths, alphabet, finite
// numbers) are the calculator's, so both transports refuse the same input with the same words.
export const sumBody = {
  type: 'object',
  required: ['userId', 'operands'],
  additionalProperties: false,
  properties: {
    userId: { type: 'string', description: `Whose calculation it is: ${ID_RULE}` },
    operands: {
      type: 'array',
      items: { type: 'number' },
      description: `At most ${sumRules.maxOperands} finite numbers whose sum is finite`,
    },
    requestId: {
      type: 'string',
      description: `Idempotency key (${ID_RULE}): a retry with the same input gets the first answer`,
    },
  },
} as const;

/** Codes answered with `status`, in table order: what a client of that response can meet. */
const codesWith = (status: number): ErrorCode[] =>
  (Object.keys(ERRORS) as ErrorCode[]).filter((code) => ERRORS[code].http === status);

/** An RFC 9457 problem body whose `code` is one of `codes`, all answered with `status`. */
function problemSchema(status: number, codes: readonly ErrorCode[]): JsonSchema {
  return {
    type: 'object',
    properties: {
      type: { type: 'string', format: 'uri', description: '`urn:calculator:service-a:` and the code in kebab case' },
      title: { type: 'string', description: 'Short summary, the same for every problem of this code' },
      status: { type: 'integer', description: 'The HTTP status', enum: [status] },
      detail: { type: 'string', description: 'What went wrong in this request' },
      code: { type: 'string', enum: codes },
      field: { type: 'string', description: 'The body property at fault, as sent; only for an error about one' },
    },
    required: ['type', 'title', 'status', 'detail', 'code'],
    additionalProperties: false,
  };
}

function problem(status: number, description: string, codes = codesWith(status)): JsonSchema {
  return { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema(status, codes) } } };
}

const internal = problem(500, 'Something unexpected failed; logged by the instance');
// Every route: fastify stops taking requests once the instance is closing (SIGTERM).
const shuttingDown = problem(503, 'The instance is shutting down; retry, nginx sends new calls elsewhere', [
  'SHUTTING_DOWN',
]);

export const sumSchema: RouteSchema = {
  operationId: 'calculateSum',
  summary: 'Add the operands and record the SumCalculated event',
  description:
    'The same operation as gRPC CalculateSum, with the same validation and idempotency: an answer ' +
    'means the event is in the outbox. Served through nginx, which answers 413, 503 ' +
    '(SERVICE_UNAVAILABLE) and 504 itself.',
  body: sumBody,
  response: {
    200: {
      type: 'object',
      properties: {
        sum: { type: 'number' },
        eventId: { type: 'string', format: 'uuid', description: 'Id of the SumCalculated event (UUIDv7)' },
      },
      required: ['sum', 'eventId'],
      additionalProperties: false,
    },
    400: problem(400, 'The body is not JSON, or breaks a rule; `field` names the property at fault'),
    413: problem(413, 'The body is over 1 MiB'),
    415: problem(415, 'The body is neither JSON nor text'),
    422: problem(422, 'The request id was used before for other input; nothing is written'),
    429: problem(429, 'Too many calls wait to be recorded; retry with backoff'),
    500: internal,
    503: problem(503, 'Nothing was recorded; retry later with the same request id'),
    504: problem(
      504,
      'No instance answered in time; the call may have been recorded, so retry with the same request id',
    ),
  },
};

export const healthSchema: RouteSchema = {
  operationId: 'getHealth',
  summary: 'Liveness: the process serves HTTP',
  response: {
    200: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } }, required: ['status'] },
    500: internal,
    503: shuttingDown,
  },
};

export const readinessSchema: RouteSchema = {
  operationId: 'getReadiness',
  summary: 'Readiness: the instance can record calculations',
  response: {
    200: { type: 'object', properties: { status: { type: 'string', enum: ['ready'] } }, required: ['status'] },
    500: internal,
    503: {
      description:
        'Not ready (`reasons` says what holds the instance back: a health answer, not a problem), or shutting down',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['not ready'] },
              reasons: { type: 'array', items: { type: 'string' } },
            },
            required: ['status', 'reasons'],
          },
        },
        [PROBLEM_CONTENT_TYPE]: { schema: problemSchema(503, ['SHUTTING_DOWN']) },
      },
    },
  },
};

export const getOpenApiSchema: RouteSchema = {
  operationId: 'getOpenApi',
  summary: 'This API described as OpenAPI 3.1',
  response: {
    200: { type: 'object', additionalProperties: true },
    500: internal,
    503: problem(503, 'No instance could answer (nginx), or this one is shutting down', [
      'SHUTTING_DOWN',
      'SERVICE_UNAVAILABLE',
    ]),
    504: problem(504, 'No instance answered in time (nginx)'),
  },
};
