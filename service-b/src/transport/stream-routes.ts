import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { CalculationStore } from '../db/calculation-store.js';
import type { NotificationListener } from '../db/notification-listener.js';
import { TooManyStreamsError } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import { SEQ_PATTERN, streamCalculationsSchema, streamUserCalculationsSchema } from './api-schemas.js';
import { openCalculationStream } from './calculation-stream.js';
import { createCalculationTail } from './calculation-tail.js';
import { createStreamHub } from './stream-hub.js';

const ALL_STREAM = '/v1/stream';
const USER_STREAM = '/v1/users/:userId/stream';
/** The routes whose 200 is a live stream, open as long as its client stays. */
export const STREAM_ROUTES: ReadonlySet<string> = new Set([ALL_STREAM, USER_STREAM]);

export interface StreamRoutesDeps {
  store: Pick<CalculationStore, 'listCalculationsAfter' | 'latestSeq' | 'visibleUpTo'>;
  notifications: Pick<NotificationListener, 'subscribe'>;
  metrics: Pick<Metrics, 'streamsOpen' | 'streamsRejected'>;
  maxStreams: number;
  keepAliveMs: number;
  logger: Logger;
}

interface StreamRequest {
  Headers: { 'last-event-id'?: string };
  Querystring: { lastEventId?: string };
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // One stream per connection: when the stream ends the connection goes too, so a closing server
  // is not left waiting for it to idle out.
  connection: 'close',
  // Tells an nginx in front not to buffer the stream.
  'x-accel-buffering': 'no',
};

const SEQ = new RegExp(SEQ_PATTERN);

/** Newest calculations kept in memory for the streams: a few seconds of the benchmark's rate. */
const TAIL_CAPACITY = 5000;

/** GET /v1/stream and /v1/users/:userId/stream: calculations as server-sent events, woken by Postgres notifications. */
export function registerStreamRoutes(app: FastifyInstance, deps: StreamRoutesDeps): void {
  const { metrics, logger } = deps;
  // One read per wake-up for all streams, instead of one query per open stream.
  const store = createCalculationTail(deps.store, TAIL_CAPACITY);
  const hub = createStreamHub(deps.maxStreams);
  const unsubscribe = deps.notifications.subscribe((payload) =>
    hub.wakeAll(payload !== undefined && SEQ.test(payload) ? payload : undefined),
  );
  // preClose, not onClose: fastify runs onClose hooks only after the server has closed, and the
  // server does not close while these responses are open.
  app.addHook('preClose', async () => {
    unsubscribe();
    await hub.closeAll();
  });

  function open(request: FastifyRequest<StreamRequest>, reply: FastifyReply, userId?: string): void {
    if (!hub.hasRoom()) {
      metrics.streamsRejected.inc();
      throw new TooManyStreamsError(deps.maxStreams);
    }
    // The header wins: EventSource sends it on reconnecting, to the same URL and its query.
    const lastEventId = request.headers['last-event-id'] || request.query.lastEventId || undefined;
    reply.hijack();
    reply.raw.writeHead(200, SSE_HEADERS);
    reply.raw.flushHeaders();
    const stream = openCalculationStream({
      sink: reply.raw,
      store,
      userId,
      lastEventId,
      keepAliveMs: deps.keepAliveMs,
      logger,
      onClose: () => {
        hub.remove(stream);
        metrics.streamsOpen.set(hub.size);
      },
    });
    hub.add(stream);
    metrics.streamsOpen.set(hub.size);
  }

  // No HEAD twins: a HEAD request would hold a stream slot open without ever receiving anything.
  app.get<StreamRequest>(
    ALL_STREAM,
    { schema: streamCalculationsSchema, exposeHeadRoute: false },
    async (request, reply) => {
      open(request, reply);
    },
  );
  app.get<StreamRequest & { Params: { userId: string } }>(
    USER_STREAM,
    { schema: streamUserCalculationsSchema, exposeHeadRoute: false },
    async (request, reply) => {
      open(request, reply, request.params.userId);
    },
  );
}
