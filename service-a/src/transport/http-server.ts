import type { Tracer } from '@opentelemetry/api';
import Fastify from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Calculator } from '../calculator.js';
import { mapError } from './error-status.js';
import { createRouteSpans } from './http-route-spans.js';

export interface HttpServerDeps {
  calculator: Calculator;
  registry: Registry;
  /** What keeps the instance from serving; empty when it is ready. */
  notReadyReasons: () => string[];
  logger: Logger;
  bodyLimitBytes: number;
  tracer: Tracer;
}

const sumBody = {
  type: 'object',
  required: ['userId', 'operands'],
  additionalProperties: false,
  properties: {
    userId: { type: 'string' },
    operands: { type: 'array', items: { type: 'number' } },
    requestId: { type: 'string' },
  },
} as const;

/**
 * HTTP/JSON for curl users (POST /v1/sum: the same validation and idempotency as gRPC), plus
 * /metrics, /healthz and /readyz. Errors are mapped here, through error-status.ts.
 */
export function createHttpServer(deps: HttpServerDeps) {
  const app = Fastify({
    // At warn, fastify's per-request info lines are never written: errors are logged once, below.
    loggerInstance: deps.logger.child({}, { level: 'warn' }),
    bodyLimit: deps.bodyLimitBytes,
    // A string is not a number: the same input gRPC would refuse is refused here too.
    ajv: { customOptions: { coerceTypes: false } },
  });

  app.setErrorHandler((error, request, reply) => {
    const fastifyError = error as { validation?: unknown; statusCode?: number; message: string };
    if (fastifyError.validation || (fastifyError.statusCode && fastifyError.statusCode < 500)) {
      return reply
        .code(fastifyError.statusCode ?? 400)
        .send({ code: 'INVALID_ARGUMENT', message: fastifyError.message });
    }
    const mapped = mapError(error);
    if (mapped.log !== 'none') {
      const requestId = (request.body as { requestId?: string } | undefined)?.requestId;
      deps.logger[mapped.log]({ err: error, route: request.url, requestId }, mapped.message);
    }
    return reply.code(mapped.http).send({ code: mapped.code, message: mapped.message });
  });

  const sumSpans = createRouteSpans(deps.tracer, 'POST', '/v1/sum');
  app.post<{ Body: { userId: string; operands: number[]; requestId?: string } }>(
    '/v1/sum',
    { schema: { body: sumBody }, onRequest: sumSpans.onRequest, onResponse: sumSpans.onResponse },
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

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const reasons = deps.notReadyReasons();
    if (reasons.length === 0) return reply.code(200).send({ status: 'ready' });
    return reply.code(503).send({ status: 'not ready', reasons });
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type(deps.registry.contentType).send(await deps.registry.metrics()),
  );
  return app;
}
