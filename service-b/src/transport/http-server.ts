import Fastify from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { CalculationStore } from '../db/calculation-store.js';

export interface HttpServerDeps {
  store: CalculationStore;
  registry: Registry;
  isReady: () => boolean;
  logger: Logger;
}

const notFound = (what: string) => ({ statusCode: 404, error: 'Not Found', message: `${what} not found` });

/** The JSON API under /v1 plus health and metrics. Validation errors answer 400 through fastify's schemas. */
export function createHttpServer(deps: HttpServerDeps) {
  // Per-request lines would dominate the log under load; warnings and errors still come through.
  const app = Fastify({ loggerInstance: deps.logger.child({}, { level: 'warn' }) });

  app.get<{ Params: { eventId: string } }>(
    '/v1/calculations/:eventId',
    {
      schema: {
        params: {
          type: 'object',
          properties: { eventId: { type: 'string', format: 'uuid' } },
          required: ['eventId'],
        },
      },
    },
    async (request, reply) => {
      const calculation = await deps.store.findCalculation(request.params.eventId.toLowerCase());
      return calculation ?? reply.code(404).send(notFound(`calculation ${request.params.eventId}`));
    },
  );

  app.get<{ Params: { userId: string } }>(
    '/v1/users/:userId/summary',
    {
      schema: {
        params: {
          type: 'object',
          properties: { userId: { type: 'string', minLength: 1, maxLength: 128 } },
          required: ['userId'],
        },
      },
    },
    async (request, reply) => {
      const summary = await deps.store.findUserSummary(request.params.userId);
      return summary ?? reply.code(404).send(notFound(`user ${request.params.userId}`));
    },
  );

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = deps.isReady();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type(deps.registry.contentType).send(await deps.registry.metrics()),
  );
  return app;
}
