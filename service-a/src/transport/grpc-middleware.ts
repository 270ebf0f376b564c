import { contextFromTraceparent } from '@calculator/proto';
import { type Context, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { isAbortError } from 'abort-controller-x';
import { ServerError, type ServerMiddleware, Status } from 'nice-grpc';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import { mapError } from './error-status.js';

const OK = Status[Status.OK];
// What nice-grpc answers for an abort error: the client cancelled or its deadline passed.
const CANCELLED = Status[Status.CANCELLED];

/** What the middleware adds to every call's context: the server span's, the parent of what the call does. */
export interface TraceCallContext {
  trace: Context;
}

/**
 * The one gRPC middleware: times and counts every call by method and status code (bounded label
 * values), opens its server span (continuing the caller's `traceparent` metadata), and turns
 * service errors into statuses (see error-status.ts), logged once with the call's request id. One
 * concern each would mean one more generator and call copy per call, and nice-grpc's per-call cost
 * is most of what service-a spends.
 */
export function grpcMiddleware(metrics: Metrics, logger: Logger, tracer: Tracer): ServerMiddleware<TraceCallContext> {
  return async function* handle(call, context) {
    const started = performance.now();
    const parent = contextFromTraceparent(context.metadata.get('traceparent'));
    const name = call.method.path.slice(1);
    const [service, method] = name.split('/');
    const span = tracer.startSpan(
      name,
      { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method } },
      parent,
    );
    let code = OK;
    try {
      return yield* call.next(call.request, { ...context, trace: trace.setSpan(parent, span) });
    } catch (error) {
      if (error instanceof ServerError) {
        code = Status[error.code];
        throw error;
      }
      if (isAbortError(error)) {
        code = CANCELLED;
        throw error;
      }
      const mapped = mapError(error);
      if (mapped.log !== 'none') {
        const requestId = (call.request as { requestId?: string } | undefined)?.requestId;
        logger[mapped.log]({ err: error, method: call.method.path, requestId }, mapped.message);
      }
      code = Status[mapped.grpc];
      throw new ServerError(mapped.grpc, mapped.message);
    } finally {
      span.setAttribute('rpc.grpc.status_code', Status[code as keyof typeof Status]);
      if (code !== OK) span.setStatus({ code: SpanStatusCode.ERROR, message: code });
      span.end();
      const labels = { method: call.method.path, code };
      metrics.rpcDuration.observe(labels, (performance.now() - started) / 1000);
      metrics.rpcHandled.inc(labels);
    }
  };
}
