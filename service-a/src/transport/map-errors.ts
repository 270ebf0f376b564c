import { isAbortError } from 'abort-controller-x';
import { type CallContext, ServerError, type ServerMiddleware } from 'nice-grpc';
import type { Logger } from 'pino';
import { mapError } from './error-status.js';

/** gRPC edge: errors become statuses here (see error-status.ts), logged once with the call's request id. */
export function mapErrorsMiddleware(logger: Logger): ServerMiddleware<CallContext> {
  return async function* mapErrors(call, context) {
    try {
      return yield* call.next(call.request, context);
    } catch (error) {
      if (error instanceof ServerError || isAbortError(error)) throw error;
      const mapped = mapError(error);
      if (mapped.log !== 'none') {
        const requestId = (call.request as { requestId?: string } | undefined)?.requestId;
        logger[mapped.log]({ err: error, method: call.method.path, requestId }, mapped.message);
      }
      throw new ServerError(mapped.grpc, mapped.message);
    }
  };
}
