/** Every error service-a answers with, defined once; transport/map-errors.ts turns them into gRPC statuses. */
export class CalculatorError extends Error {
  constructor(
    readonly code: 'INVALID_ARGUMENT' | 'OUTBOX_UNAVAILABLE',
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
    reason: string,
  ) {
    super('INVALID_ARGUMENT', `${field}: ${reason}`);
    this.name = 'InvalidArgumentError';
  }
}

/** The event could not be written to the outbox, so the call must not answer OK. */
export class OutboxUnavailableError extends CalculatorError {
  constructor(cause: unknown) {
    super('OUTBOX_UNAVAILABLE', 'the calculation could not be recorded; retry later', { cause });
    this.name = 'OutboxUnavailableError';
  }
}
