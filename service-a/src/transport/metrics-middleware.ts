import { type CallContext, ServerError, type ServerMiddleware, Status } from 'nice-grpc';
import type { Metrics } from '../observability/metrics.js';

/** Counts and times every call by method and status code (bounded label values). */
export function metricsMiddleware(metrics: Metrics): ServerMiddleware<CallContext> {
  return async function* measure(call, context) {
    const method = call.method.path;
    const stopTimer = metrics.rpcDuration.startTimer({ method });
    let code = Status[Status.OK];
    try {
      return yield* call.next(call.request, context);
    } catch (error) {
      code = error instanceof ServerError ? Status[error.code] : Status[Status.UNKNOWN];
      throw error;
    } finally {
      stopTimer({ code });
      metrics.rpcHandled.inc({ method, code });
    }
  };
}
