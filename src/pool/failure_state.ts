/**
 * The passive side of a backend's health: a failed dial or probe disables
 * it for a while, then it waits for a successful probe before it takes
 * sessions again. An explicit state machine, changed only through its
 * methods; time always comes in as an argument.
 *
 * ```
 *   ok ──fail──▶ disabled ──(time up)──▶ awaiting probe ──succeed──▶ ok
 *                   ▲  └────────fail (extends)────┘ │
 *                   └──────────────fail─────────────┘
 * ```
 * @module
 */

/** Why a backend was disabled, by the kind of failure. */
export type FailureKind = "refused" | "timeout" | "unreachable" | "reset" | "dns" | "error";

/** Where a backend is in its failure life at some time. */
export type FailurePhase = "ok" | "disabled" | "awaiting probe";

/** The failure that disabled a backend. */
export interface Failure {
  readonly kind: FailureKind;
  readonly message: string;
  readonly at: number;
}

/** One backend's failures and recovery. */
export class FailureState {
  #disabledUntil = 0;
  #awaitingProbe = false;
  #last: Failure | undefined;
  #consecutive = 0;
  readonly #byKind = new Map<FailureKind, number>();

  /** The phase at `now`. */
  phase(now: number): FailurePhase {
    if (now < this.#disabledUntil) return "disabled";
    return this.#awaitingProbe ? "awaiting probe" : "ok";
  }

  /** Whether a failure has it disabled at `now`. */
  isDisabledAt(now: number): boolean {
    return now < this.#disabledUntil;
  }

  /** Whether it failed and has not yet succeeded since (disabled or awaiting a probe). */
  get recovering(): boolean {
    return this.#awaitingProbe;
  }

  /** No new sessions before this time (ms); 0 when never disabled or recovered. */
  get disabledUntil(): number {
    return this.#disabledUntil;
  }

  /** The failure that disabled it, while it is not yet recovered. */
  get lastFailure(): Failure | undefined {
    return this.#last;
  }

  /** Failures since the last success. */
  get consecutiveFailures(): number {
    return this.#consecutive;
  }

  /** Failures by class, ever (metrics counters: they only go up). */
  get failuresByKind(): ReadonlyMap<FailureKind, number> {
    return this.#byKind;
  }

  /**
   * A dial or probe failed at `now`: disabled for `durationMs` (a later
   * failure never shortens a longer disable), then awaiting a probe.
   */
  fail(kind: FailureKind, message: string, now: number, durationMs: number): void {
    this.#consecutive++;
    this.#byKind.set(kind, (this.#byKind.get(kind) ?? 0) + 1);
    this.#last = { kind, message, at: now };
    this.#disabledUntil = Math.max(this.#disabledUntil, now + durationMs);
    this.#awaitingProbe = true;
  }

  /** A dial or probe succeeded: back to ok. */
  succeed(): void {
    this.#consecutive = 0;
    this.#awaitingProbe = false;
    this.#disabledUntil = 0;
  }

  /** Starts afresh (the address was gone a while); the counters by class stay. */
  forget(): void {
    this.succeed();
    this.#last = undefined;
  }
}
