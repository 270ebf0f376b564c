/** Every error the calculator raises, defined once; transport/error-status.ts maps them to gRPC and HTTP. */
export type CalculatorErrorCode =
  | 'INVALID_ARGUMENT'
  | 'REQUEST_ID_REUSED'
  | 'OVERLOADED'
  | 'OUTBOX_UNAVAILABLE'
  | 'WRITES_PAUSED';

/**
 * Refusals that never reach the calculator: the HTTP transport's (a body it cannot read, an unknown
 * route), nginx's in front of it (no instance answered), and the catch-all for anything unexpected.
 */
export type TransportErrorCode =
  | 'MALFORMED_JSON'
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'SHUTTING_DOWN'
  | 'SERVICE_UNAVAILABLE'
  | 'GATEWAY_TIMEOUT'
  | 'INTERNAL';

export type ErrorCode = CalculatorErrorCode | TransportErrorCode;

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

/** Bad input from the client; `field` names what to fix, as the gRPC contract names it (`user_id`, `operands[1]`). */
export class InvalidArgumentError extends CalculatorError {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super('INVALID_ARGUMENT', `${field}: ${reason}`);
    this.name = 'InvalidArgumentError';
  }
}

/**
 * A request id already answered for different input: replaying the first answer would hide the
 * client's mistake, and writing a second event would break idempotency, so nothing is written.
 */
export class RequestIdReusedError extends CalculatorError {
  constructor(readonly requestId: string) {
    super(
      'REQUEST_ID_REUSED',
      `request_id ${JSON.stringify(requestId)} was already used for a calculation with different input; ` +
        'send a new request_id for a new calculation',
    );
    this.name = 'RequestIdReusedError';
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

/**
 * Writes are refused while the replication slot cannot be trusted to publish them (missing, lost,
 * or retaining more WAL than its budget); `reason` says which. Accepted again once it recovers.
 */
export class WritesPausedError extends CalculatorError {
  constructor(readonly reason: string) {
    super('WRITES_PAUSED', `writes are paused: ${reason}; retry later`);
    this.name = 'WritesPausedError';
  }
}
