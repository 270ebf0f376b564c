import { sumRules } from '@calculator/proto';
import { HTTP_ERRORS, type HttpErrorCode, PROBLEM_CONTENT_TYPE } from './error-status.js';

// The /v1 routes' JSON schemas. Fastify validates and serialises with them, and the OpenAPI
// document is built from the routes registered with them, so the two cannot drift apart.

/** A route's schema: what fastify reads, plus the OpenAPI operation fields fastify ignores. */
export interface RouteSchema {
  operationId: string;
  summary: string;
  description?: string;
  params?: JsonSchema;
  querystring?: JsonSchema;
  headers?: JsonSchema;
  response: Readonly<Record<number, JsonSchema>>;
}

export type JsonSchema = Readonly<Record<string, unknown>>;

/** A seq as a decimal string. 18 digits keep it inside Postgres' bigint without a range check. */
export const SEQ_PATTERN = '^(0|[1-9][0-9]{0,17})$';

/** The ajv format the cursor query parameter is checked with (registered in http-server.ts). */
export const PAGE_CURSOR_FORMAT = 'page-cursor';

export const PAGE_LIMIT = { default: 50, max: 500 } as const;

const string = (description: string, extra: JsonSchema = {}) => ({ type: 'string', description, ...extra });

const userIdParams = {
  type: 'object',
  properties: {
    userId: string('The user the calculations belong to', { minLength: 1, maxLength: sumRules.maxUserIdLength }),
  },
  required: ['userId'],
} as const;

const calculation = {
  type: 'object',
  properties: {
    seq: string('Position in apply order; the live stream uses it as event id', { pattern: SEQ_PATTERN }),
    eventId: string('Id of the SumCalculated event', { format: 'uuid' }),
    userId: { type: 'string' },
    operands: { type: 'array', items: { type: 'number' } },
    sum: { type: 'number' },
    requestId: { type: ['string', 'null'] },
    createdAt: string('When service-a wrote the event to its outbox', { format: 'date-time' }),
    appliedAt: string('When service-b applied it', { format: 'date-time' }),
  },
  required: ['seq', 'eventId', 'userId', 'operands', 'sum', 'requestId', 'createdAt', 'appliedAt'],
  additionalProperties: false,
} as const;

/** Codes answered with `status`, in table order: what a client of that response can meet. */
const codesWith = (status: number): HttpErrorCode[] =>
  (Object.keys(HTTP_ERRORS) as HttpErrorCode[]).filter((code) => HTTP_ERRORS[code].status === status);

/** An RFC 9457 problem response whose `code` is one of `codes`, all answered with `status`. */
const problem = (status: number, description: string, codes = codesWith(status)) => ({
  description,
  content: {
    [PROBLEM_CONTENT_TYPE]: {
      schema: {
        type: 'object',
        properties: {
          type: string('`urn:calculator:service-b:` and the code without `ERR_` in kebab case', { format: 'uri' }),
          title: string('Short summary, the same for every problem of this code'),
          status: { type: 'integer', description: 'The HTTP status', enum: [status] },
          detail: string('What went wrong in this request'),
          code: { type: 'string', enum: codes },
          field: string('The path, query or header parameter at fault; only for an error about one'),
        },
        required: ['type', 'title', 'status', 'detail', 'code'],
        additionalProperties: false,
      },
    },
  },
});

const badRequest = problem(400, 'A parameter is invalid; `field` names it');
// fastify's router refuses a path parameter longer than maxParamLength before the schema sees it.
const paramTooLong = problem(414, 'The user id is longer than the router takes (three times the longest user id)');
const internal = problem(500, 'Something unexpected failed; logged by the instance');
// Every route: fastify stops taking requests once the instance is closing (SIGTERM).
const shuttingDown = problem(503, 'The instance is shutting down; try again', ['ERR_SHUTTING_DOWN']);

// Both stream routes take the position to resume after from either place: EventSource sends the
// header when it reconnects, the query parameter lets a new page resume where an old one stopped.
const resumeHeaders = {
  type: 'object',
  properties: {
    'last-event-id': string('Resume after this seq: the id of the last event received. Wins over `lastEventId`', {
      pattern: SEQ_PATTERN,
    }),
  },
} as const;

const resumeQuery = {
  type: 'object',
  properties: {
    lastEventId: string('Resume after this seq, as the Last-Event-ID header does', { pattern: SEQ_PATTERN }),
  },
} as const;

const eventStream = {
  description:
    'Server-sent events, one per calculation applied, in apply order: `id: <seq>`, `event: calculation`, ' +
    '`data: <Calculation as JSON>`; a `: keep-alive` comment every 15 s. Without a position to resume ' +
    'after, the stream starts with the next calculation applied.',
  content: { 'text/event-stream': { schema: { type: 'string' } } },
};

const streamsUnavailable = problem(
  503,
  'The instance serves its maximum number of streams, or is shutting down; try again later',
);

export const getCalculationSchema: RouteSchema = {
  operationId: 'getCalculation',
  summary: 'One applied calculation',
  params: {
    type: 'object',
    properties: { eventId: string('Id of the SumCalculated event', { format: 'uuid' }) },
    required: ['eventId'],
  },
  response: {
    200: calculation,
    400: badRequest,
    404: problem(404, 'No calculation with this event id was applied', ['ERR_NOT_FOUND']),
    500: internal,
    503: shuttingDown,
  },
};

export const getUserSummarySchema: RouteSchema = {
  operationId: 'getUserSummary',
  summary: "A user's running count and total",
  params: userIdParams,
  response: {
    200: {
      type: 'object',
      properties: { userId: { type: 'string' }, calculationCount: { type: 'integer' }, total: { type: 'number' } },
      required: ['userId', 'calculationCount', 'total'],
      additionalProperties: false,
    },
    400: badRequest,
    404: problem(404, 'No calculation of this user was applied', ['ERR_NOT_FOUND']),
    414: paramTooLong,
    500: internal,
    503: shuttingDown,
  },
};

export const listUserCalculationsSchema: RouteSchema = {
  operationId: 'listUserCalculations',
  summary: "A user's calculations, newest first",
  description:
    'Pages are cut by apply order, so calculations applied while a client pages through never shift ' +
    'or repeat its pages. An unknown user has no calculations: 200 with no items.',
  params: userIdParams,
  querystring: {
    type: 'object',
    properties: {
      limit: {
        type: 'integer',
        minimum: 1,
        maximum: PAGE_LIMIT.max,
        default: PAGE_LIMIT.default,
        description: 'Most items in one page',
      },
      cursor: string('`nextCursor` of the previous page; omit it for the first page', {
        format: PAGE_CURSOR_FORMAT,
        maxLength: 64,
      }),
    },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        items: { type: 'array', items: calculation },
        nextCursor: { type: ['string', 'null'], description: 'Where the next page starts; null on the last page' },
      },
      required: ['items', 'nextCursor'],
      additionalProperties: false,
    },
    400: badRequest,
    414: paramTooLong,
    500: internal,
    503: shuttingDown,
  },
};

export const streamCalculationsSchema: RouteSchema = {
  operationId: 'streamCalculations',
  summary: "Every user's calculations as they are applied (server-sent events)",
  headers: resumeHeaders,
  querystring: resumeQuery,
  response: { 200: eventStream, 400: badRequest, 500: internal, 503: streamsUnavailable },
};

export const streamUserCalculationsSchema: RouteSchema = {
  operationId: 'streamUserCalculations',
  summary: "A user's calculations as they are applied (server-sent events)",
  params: userIdParams,
  headers: resumeHeaders,
  querystring: resumeQuery,
  response: { 200: eventStream, 400: badRequest, 414: paramTooLong, 500: internal, 503: streamsUnavailable },
};

export const getOpenApiSchema: RouteSchema = {
  operationId: 'getOpenApi',
  summary: 'This API described as OpenAPI 3.1',
  response: { 200: { type: 'object', additionalProperties: true }, 500: internal, 503: shuttingDown },
};
