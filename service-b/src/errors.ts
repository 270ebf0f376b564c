/** An event that can never be applied, however often it is retried: it goes to the dead-letter topic. */
export class PoisonEventError extends Error {
  constructor(
    readonly reason: 'undecodable' | 'unknown-schema' | 'invalid',
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
