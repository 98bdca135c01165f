/**
 * The one error a frontend throws that its caller handles: its address
 * cannot be bound.
 * @module
 */

/** A frontend that cannot start, e.g. its address is taken. */
export class ListenError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ListenError";
  }
}
