import { Status } from 'nice-grpc';
import { CalculatorError, type CalculatorErrorCode } from '../errors.js';

/** The one table from service-a's errors to what each transport answers. */
const STATUS: Record<CalculatorErrorCode, { grpc: Status; http: number }> = {
  INVALID_ARGUMENT: { grpc: Status.INVALID_ARGUMENT, http: 400 },
  OVERLOADED: { grpc: Status.RESOURCE_EXHAUSTED, http: 429 },
  OUTBOX_UNAVAILABLE: { grpc: Status.UNAVAILABLE, http: 503 },
};

export interface MappedError {
  grpc: Status;
  http: number;
  code: string;
  message: string;
  /** Unexpected errors are logged where they are mapped; client errors are not. */
  log: 'none' | 'warn' | 'error';
}

export function mapError(error: unknown): MappedError {
  if (error instanceof CalculatorError) {
    return {
      ...STATUS[error.code],
      code: error.code,
      message: error.message,
      log: error.code === 'OUTBOX_UNAVAILABLE' ? 'warn' : 'none',
    };
  }
  return { grpc: Status.INTERNAL, http: 500, code: 'INTERNAL', message: 'internal error', log: 'error' };
}
