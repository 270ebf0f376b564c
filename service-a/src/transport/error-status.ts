import { Status } from 'nice-grpc';
import { CalculatorError, type CalculatorErrorCode } from '../errors.js';

type LogLevel = 'none' | 'warn' | 'error';

/**
 * The one table from service-a's errors to what each transport answers, and whether the edge logs
 * them: client mistakes are not logged; a paused intake is logged once by whoever paused it.
 */
const STATUS: Record<CalculatorErrorCode, { grpc: Status; http: number; log: LogLevel }> = {
  INVALID_ARGUMENT: { grpc: Status.INVALID_ARGUMENT, http: 400, log: 'none' },
  REQUEST_ID_REUSED: { grpc: Status.ALREADY_EXISTS, http: 422, log: 'none' },
  OVERLOADED: { grpc: Status.RESOURCE_EXHAUSTED, http: 429, log: 'none' },
  OUTBOX_UNAVAILABLE: { grpc: Status.UNAVAILABLE, http: 503, log: 'warn' },
  WRITES_PAUSED: { grpc: Status.UNAVAILABLE, http: 503, log: 'none' },
};

export interface MappedError {
  grpc: Status;
  http: number;
  code: string;
  message: string;
  /** Unexpected errors are logged where they are mapped; client errors are not. */
  log: LogLevel;
}

export function mapError(error: unknown): MappedError {
  if (error instanceof CalculatorError) {
    const { grpc, http, log } = STATUS[error.code];
    return { grpc, http, code: error.code, message: error.message, log };
  }
  return { grpc: Status.INTERNAL, http: 500, code: 'INTERNAL', message: 'internal error', log: 'error' };
}
