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
