/** Every error service-a answers with, defined once; transport/error-status.ts maps them to gRPC and HTTP. */
export type CalculatorErrorCode = 'INVALID_ARGUMENT' | 'OVERLOADED' | 'OUTBOX_UNAVAILABLE';

export class CalculatorError extends Error {
  constructor(
    readonly code: CalculatorErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CalculatorError';
  }
}

/** Bad input from the client; `field` names what to fix. */
export class InvalidArgumentError extends CalculatorError {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super('INVALID_ARGUMENT', `${field}: ${reason}`);
    this.name = 'InvalidArgumentError';
  }
}

/** The write queue is full: shed the call rather than grow memory; the client may retry later. */
export class OverloadedError extends CalculatorError {
  constructor(queued: number) {
    super('OVERLOADED', `too many calls waiting to be recorded (${queued}); retry with backoff`);
    this.name = 'OverloadedError';
  }
}

/** The event could not be written to the outbox, so the call must not answer OK. */
export class OutboxUnavailableError extends CalculatorError {
  constructor(cause: unknown) {
    super('OUTBOX_UNAVAILABLE', 'the calculation could not be recorded; retry later', { cause });
    this.name = 'OutboxUnavailableError';
  }
}
