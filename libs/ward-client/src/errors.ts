/** The bytes fetched for a claim check are not the file it names (size or SHA-256 differ). */
export class FileCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileCheckError';
  }
}

/** The file could not be fetched (network, HTTP status, timeout); worth trying again later. */
export class FileFetchError extends Error {
  constructor(
    message: string,
    /** The HTTP status, or 0 when no answer came. */
    readonly status: number,
  ) {
    super(message);
    this.name = 'FileFetchError';
  }
}

/**
 * Thrown by a delivery handler for a document the ward can never take in (say its own system
 * refuses the metadata for good): the message is rejected without requeue and lands in edoc's
 * dead-letter queue `dlq.inbox.<code>`, where edoc's administrators see this reason. Any other
 * error means "try again later".
 */
export class RejectDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RejectDeliveryError';
  }
}

/**
 * The ward client cannot start and waiting will not change that: the broker refused the login, or
 * the user may not read the ward's queues. Whatever can pass (broker down, queues not declared
 * yet) is retried instead and never ends in this error.
 */
export class WardStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WardStartError';
  }
}
