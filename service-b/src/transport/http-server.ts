import {
  buildOpenApiDocument,
  type DocumentedRoute,
  type OpenApiDocument,
  observeRequest,
  sumRules,
} from '@calculator/proto';
import Fastify, { type FastifyBaseLogger, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { CalculationStore } from '../db/calculation-store.js';
import type { NotificationListener } from '../db/notification-listener.js';
import type { Metrics } from '../observability/metrics.js';
import { getOpenApiSchema, PAGE_CURSOR_FORMAT } from './api-schemas.js';
import { registerCalculationRoutes } from './calculation-routes.js';
import { httpProblem, PROBLEM_CONTENT_TYPE, type Problem, problemOf } from './error-status.js';
import { pageCursor } from './page-cursor.js';
import { registerStreamRoutes, STREAM_ROUTES } from './stream-routes.js';

export interface HttpServerDeps {
  store: CalculationStore;
  notifications: Pick<NotificationListener, 'subscribe'>;
  metrics: Pick<Metrics, 'registry' | 'streamsOpen' | 'streamsRejected' | 'httpRequestDuration'>;
  /** Why the instance cannot take its share of the work right now; empty when it can. */
  notReadyReasons: () => string[];
  logger: Logger;
  maxStreams: number;
  /** How often an idle stream sends a comment; 15 s unless a test needs otherwise. */
  keepAliveMs?: number;
}

const KEEP_ALIVE_MS = 15_000;

// A user id service-a accepts must reach the /v1/users/:userId routes rather than a 414: fastify's
// router refuses longer path parameters (100 characters by default). Room for the longest id even
// with every character percent-encoded (clients may encode the id alphabet's : and @), should the
// length ever be taken before decoding; the route schema still bounds the decoded id.
const MAX_PARAM_LENGTH = 3 * sumRules.maxUserIdLength;

const isOpenStream = (route: string, statusCode: number) => STREAM_ROUTES.has(route) && statusCode === 200;

const sendProblem = (reply: FastifyReply, problem: Problem) =>
  reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);

/**
 * The JSON API under /v1 plus health and metrics. Every error is answered as an RFC 9457 problem,
 * mapped here through error-status.ts; validation errors come from fastify's schemas.
 */
export function createHttpServer(deps: HttpServerDeps) {
  // Per-request lines would dominate the log under load; warnings and errors still come through,
  // unless the root logger is stricter still. Typed as fastify's logger so the instance fits the
  // route modules' FastifyInstance.
  const level = deps.logger.isLevelEnabled('warn') ? 'warn' : deps.logger.level;
  const loggerInstance: FastifyBaseLogger = deps.logger.child({}, { level });
  const app = Fastify({
    loggerInstance,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    ajv: {
      customOptions: { formats: { [PAGE_CURSOR_FORMAT]: (value: string) => pageCursor.decode(value) !== undefined } },
    },
    // fastify's own closing answer is a fixed body of its own; the hook below answers it as a problem.
    return503OnClosing: false,
    frameworkErrors: (error, _request, reply) => sendProblem(reply, httpProblem(error).problem),
  });

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Requests still arriving on kept-alive connections while the instance drains.
  app.addHook('onRequest', async (_request, reply) => {
    if (closing) return sendProblem(reply, problemOf('ERR_SHUTTING_DOWN', 'this instance is shutting down; retry'));
  });

  // A stream that was opened lasts as long as its client stays: its duration would swamp every
  // quantile, and http_streams_open counts it instead. A refused stream is an answer like any other.
  app.addHook('onResponse', async (request, reply) => {
    observeRequest(deps.metrics.httpRequestDuration, request, reply, isOpenStream);
  });

  const documented: DocumentedRoute[] = [];
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/v1/') && route.method !== 'HEAD') documented.push(route);
  });

  app.setErrorHandler((error, request, reply) => {
    const { problem, log } = httpProblem(error);
    if (log) deps.logger.error({ err: error, route: request.url }, 'request failed');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problemOf('ERR_ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?', 1)[0]}`)),
  );

  registerCalculationRoutes(app, { store: deps.store });
  registerStreamRoutes(app, {
    store: deps.store,
    notifications: deps.notifications,
    metrics: deps.metrics,
    maxStreams: deps.maxStreams,
    keepAliveMs: deps.keepAliveMs ?? KEEP_ALIVE_MS,
    logger: deps.logger,
  });
  let openApi: OpenApiDocument | undefined;
  app.get('/v1/openapi.json', { schema: getOpenApiSchema }, async () => {
    openApi ??= buildOpenApiDocument(documented, {
      title: 'service-b',
      version: '1',
      description: 'Calculations applied exactly once from the user-events topic',
    });
    return openApi;
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const reasons = deps.notReadyReasons();
    if (reasons.length === 0) return reply.code(200).send({ status: 'ready' });
    return reply.code(503).send({ status: 'not ready', reasons });
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );
  return app;
}
