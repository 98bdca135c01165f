/**
 * The one narrow interface between a session and the backends: ask for a
 * lease (waiting while every backend is busy), then report how the dial
 * went and give the lease back with the bytes moved. Everything a report
 * implies (disable and plan recovery, metrics, waking waiters) happens
 * behind it.
 * @module
 */

import type { BackendSpec } from "../pool/mod.ts";
import type { DialError } from "./dial.ts";

/** One unit of a backend's load, held by one session. */
export interface SessionLease {
  /** The backend to dial. */
  readonly backend: BackendSpec;
  /** The dial succeeded after `dialMs`. */
  connected(dialMs: number): void;
  /** The dial failed: the backend is disabled for it and the lease is given back. */
  failed(error: DialError): void;
  /** Gives the lease back with the bytes moved each way; later calls do nothing. */
  release(bytesUp: number, bytesDown: number): void;
}

/** Where sessions get leases. */
export interface LeaseSource {
  /**
   * A lease on the best backend now, when one has room (what `acquire`
   * tries first); undefined otherwise, and then `acquire` waits. The common
   * case of every new connection, without a promise.
   */
  tryAcquire(): SessionLease | undefined;
  /**
   * A lease on the best backend, waiting up to `timeoutMs` for one to have
   * room. Undefined when the time is up or `signal` aborts.
   */
  acquire(timeoutMs: number, signal: AbortSignal): Promise<SessionLease | undefined>;
}
