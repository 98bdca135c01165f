/**
 * The lease a session holds, as the backend upkeep hands it out: it reports
 * how the dial went to the upkeep and gives the pool's lease back.
 * @module
 */

import type { Backend, BackendSpec, Lease } from "../pool/mod.ts";
import type { DialError } from "./dial.ts";
import type { SessionLease } from "./session_lease.ts";

/** Where a lease's reports go (the upkeep). */
export interface LeaseReports {
  connected(backend: Backend, dialMs: number): void;
  failed(backend: Backend, error: DialError): void;
}

/**
 * A session's lease: a class rather than an object of closures, since every
 * open session holds one for as long as it lasts.
 */
export class UpkeepLease implements SessionLease {
  readonly #lease: Lease;
  readonly #reports: LeaseReports;

  constructor(lease: Lease, reports: LeaseReports) {
    this.#lease = lease;
    this.#reports = reports;
  }

  get backend(): BackendSpec {
    return this.#lease.backend.spec;
  }

  connected(dialMs: number): void {
    this.#reports.connected(this.#lease.backend, dialMs);
  }

  failed(error: DialError): void {
    this.#reports.failed(this.#lease.backend, error);
    this.#lease.release();
  }

  release(bytesUp: number, bytesDown: number): void {
    this.#lease.release(bytesUp, bytesDown);
  }
}
