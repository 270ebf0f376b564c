import { isAbortError } from 'abort-controller-x';
import { type CallContext, ServerError, type ServerMiddleware, Status } from 'nice-grpc';
import type { Logger } from 'pino';
import { CalculatorError } from '../errors.js';

const STATUS_OF: Record<CalculatorError['code'], Status> = {
  INVALID_ARGUMENT: Status.INVALID_ARGUMENT,
  OUTBOX_UNAVAILABLE: Status.UNAVAILABLE,
};

/** The one place where errors become gRPC statuses; unexpected errors are logged once, here. */
export function mapErrorsMiddleware(logger: Logger): ServerMiddleware<CallContext> {
  return async function* mapErrors(call, context) {
    try {
      return yield* call.next(call.request, context);
    } catch (error) {
      if (error instanceof ServerError || isAbortError(error)) throw error;
      if (error instanceof CalculatorError) {
        if (error.code !== 'INVALID_ARGUMENT') logger.warn({ err: error, method: call.method.path }, error.message);
        throw new ServerError(STATUS_OF[error.code], error.message);
      }
      logger.error({ err: error, method: call.method.path }, 'unexpected error');
      throw new ServerError(Status.INTERNAL, 'internal error');
    }
  };
}
