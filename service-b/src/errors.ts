// Every error service-b defines, each with one code under the ERR_ prefix:
//
//   ERR_POISON_EVENT      an event that can never be applied; dead-lettered with its reason (kafka/event-consumer.ts)
//   ERR_NOT_FOUND         what a client asked for does not exist; HTTP 404 (transport/error-status.ts)
//   ERR_TOO_MANY_STREAMS  every live-stream slot is taken; HTTP 503 (transport/error-status.ts)
//   ERR_USAGE             an operator command was called wrongly; exit code 2 (cli/run-command.ts)
//
// The HTTP API answers these two, and the transport's own refusals (ERR_VALIDATION, ERR_ROUTE_NOT_FOUND,
// …), as RFC 9457 problems, all from the one table in transport/error-status.ts.
//
// Anything else that fails is transient (a dependency is down) and is retried where it happens.

/** Why an event is poison; written to the dead letter's `dlq.reason` header. */
export const POISON_REASONS = ['undecodable', 'unknown-schema', 'invalid', 'rejected-by-database'] as const;
export type PoisonReason = (typeof POISON_REASONS)[number];

/** An event that can never be applied, however often it is retried: it goes to the dead-letter topic. */
export class PoisonEventError extends Error {
  readonly code = 'ERR_POISON_EVENT';
  constructor(
    readonly reason: PoisonReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PoisonEventError';
  }
}

/** What a client asked for does not exist; answered as 404. */
export class NotFoundError extends Error {
  readonly code = 'ERR_NOT_FOUND';
  constructor(what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

/** Every live-stream slot is taken; answered as 503 so the client tries again later, or elsewhere. */
export class TooManyStreamsError extends Error {
  readonly code = 'ERR_TOO_MANY_STREAMS';
  constructor(maxStreams: number) {
    super(`this instance already serves its maximum of ${maxStreams} streams`);
    this.name = 'TooManyStreamsError';
  }
}

/** An operator command was called with arguments it cannot run with; it prints its usage and exits with 2. */
export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
