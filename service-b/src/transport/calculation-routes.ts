import type { FastifyInstance } from 'fastify';
import type { CalculationStore } from '../db/calculation-store.js';
import { NotFoundError } from '../errors.js';
import { getCalculationSchema, getUserSummarySchema, listUserCalculationsSchema } from './api-schemas.js';
import { pageCursor } from './page-cursor.js';

export interface CalculationRoutesDeps {
  store: Pick<CalculationStore, 'findCalculation' | 'findUserSummary' | 'listUserCalculations'>;
}

/** The read API over applied calculations: one by event id, a user's summary, a user's calculations page by page. */
export function registerCalculationRoutes(app: FastifyInstance, { store }: CalculationRoutesDeps): void {
  app.get<{ Params: { eventId: string } }>(
    '/v1/calculations/:eventId',
    { schema: getCalculationSchema },
    async (request) => {
      const calculation = await store.findCalculation(request.params.eventId.toLowerCase());
      if (calculation === undefined) throw new NotFoundError(`calculation ${request.params.eventId}`);
      return calculation;
    },
  );

  app.get<{ Params: { userId: string } }>(
    '/v1/users/:userId/summary',
    { schema: getUserSummarySchema },
    async (request) => {
      const summary = await store.findUserSummary(request.params.userId);
      if (summary === undefined) throw new NotFoundError(`user ${request.params.userId}`);
      return summary;
    },
  );

  app.get<{ Params: { userId: string }; Querystring: { limit: number; cursor?: string } }>(
    '/v1/users/:userId/calculations',
    { schema: listUserCalculationsSchema },
    async (request) => {
      const { limit, cursor } = request.query;
      // The schema has already refused a cursor that does not decode.
      const beforeSeq = cursor === undefined ? undefined : pageCursor.decode(cursor);
      // One row more than asked for tells whether a next page exists, so the last page never links to an empty one.
      const rows = await store.listUserCalculations(request.params.userId, { beforeSeq, limit: limit + 1 });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last !== undefined ? pageCursor.encode(last.seq) : null };
    },
  );
}
