import { buildOpenApiDocument, type DocumentedRoute, type OpenApiDocument, observeRequest } from '@calculator/proto';
import type { Tracer } from '@opentelemetry/api';
import Fastify, { type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Calculator } from '../calculator.js';
import type { Metrics } from '../observability/metrics.js';
import { getOpenApiSchema, healthSchema, readinessSchema, sumSchema } from './api-schemas.js';
import { httpProblem, PROBLEM_CONTENT_TYPE, type Problem, problemOf } from './error-status.js';
import { createRouteSpans } from './http-route-spans.js';

export interface HttpServerDeps {
  calculator: Calculator;
  metrics: Pick<Metrics, 'registry' | 'httpRequestDuration'>;
  /** What keeps the instance from serving; empty when it is ready. */
  notReadyReasons: () => string[];
  logger: Logger;
  bodyLimitBytes: number;
  tracer: Tracer;
}

const sendProblem = (reply: FastifyReply, problem: Problem) =>
  reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);

/**
 * HTTP/JSON for curl users (POST /v1/sum: the same validation and idempotency as gRPC), plus
 * /metrics, /healthz, /readyz and /v1/openapi.json. Every error is answered as an RFC 9457 problem,
 * mapped here through error-status.ts.
 */
export function createHttpServer(deps: HttpServerDeps) {
  const app = Fastify({
    // At warn, fastify's per-request info lines are never written: errors are logged once, below.
    loggerInstance: deps.logger.child({}, { level: 'warn' }),
    bodyLimit: deps.bodyLimitBytes,
    // A string is not a number: the same input gRPC would refuse is refused here too.
    ajv: { customOptions: { coerceTypes: false } },
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
    if (closing) return sendProblem(reply, problemOf('SHUTTING_DOWN', 'this instance is shutting down; retry'));
  });

  app.addHook('onResponse', async (request, reply) => {
    observeRequest(deps.metrics.httpRequestDuration, request, reply);
  });

  const documented: DocumentedRoute[] = [];
  app.addHook('onRoute', (route) => {
    if (route.method !== 'HEAD' && route.url !== '/metrics') documented.push(route);
  });

  app.setErrorHandler((error, request, reply) => {
    const { problem, log } = httpProblem(error);
    if (log !== 'none') {
      const requestId = (request.body as { requestId?: string } | undefined)?.requestId;
      deps.logger[log]({ err: error, route: request.url, requestId }, problem.detail);
    }
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problemOf('NOT_FOUND', `no route ${request.method} ${request.url.split('?', 1)[0]}`)),
  );

  const sumSpans = createRouteSpans(deps.tracer, 'POST', '/v1/sum');
  app.post<{ Body: { userId: string; operands: number[]; requestId?: string } }>(
    '/v1/sum',
    {
      schema: sumSchema,
      onRequest: sumSpans.onRequest,
      onResponse: sumSpans.onResponse,
      onRequestAbort: sumSpans.onRequestAbort,
    },
    async (request, reply) => {
      // A client that hangs up while its call is still queued withdraws it, as a gRPC cancel does.
      const controller = new AbortController();
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) controller.abort(new Error('client went away'));
      });
      const { sum, eventId } = await deps.calculator.calculateSum(request.body, {
        signal: controller.signal,
        trace: sumSpans.contextOf(request),
      });
      return { sum, eventId };
    },
  );

  app.get('/healthz', { schema: healthSchema }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: readinessSchema }, async (_request, reply) => {
    const reasons = deps.notReadyReasons();
    if (reasons.length === 0) return reply.code(200).send({ status: 'ready' });
    return reply.code(503).send({ status: 'not ready', reasons });
  });
  let openApi: OpenApiDocument | undefined;
  app.get('/v1/openapi.json', { schema: getOpenApiSchema }, async () => {
    openApi ??= buildOpenApiDocument(documented, {
      title: 'service-a',
      version: '1',
      description: 'The calculator over HTTP/JSON: a 200 from POST /v1/sum means its event is in the outbox',
    });
    return openApi;
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );
  return app;
}
