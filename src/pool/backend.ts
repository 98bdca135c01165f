/**
 * One backend address and its live state. Every field changes through a
 * method named for the event (a lease taken, a failure, a measurement), so
 * the rules live here and not by convention in its callers; time always
 * comes in as an argument.
 * @module
 */

import { type FailureKind, FailureState } from "./failure_state.ts";
import { LatencySamples } from "./latency_samples.ts";

export type { FailureKind } from "./failure_state.ts";

/** What a backend is configured as; what discovery produces. */
export interface BackendSpec {
  /** The dial address, `host:port` (IPv6 bracketed); the backend's identity. */
  readonly key: string;
  readonly hostname: string;
  readonly port: number;
  /** Configured tier index; lower is preferred. */
  readonly tier: number;
  readonly tierName: string;
  /** Most concurrent sessions; 0 is no limit. */
  readonly maxConnections: number;
  /** Dial timeout, and how long a failed dial disables the backend. */
  readonly dialTimeoutMs: number;
  /** `disabled: true` in the config: no new sessions. */
  readonly configDisabled: boolean;
  /** The configured host name the address came from (TLS checks certificates against it). */
  readonly hostName?: string;
}

/** The active-check state a backend may carry (see balancer/health.ts). */
export interface HealthView {
  readonly status: "up" | "down";
  readonly lastResult: string;
  /** Down only because it joined after the start and has not been checked yet. */
  readonly awaitingFirstCheck?: boolean;
}

/** A backend with its load and health. */
export class Backend {
  #spec: BackendSpec;
  #subTier = 0;
  readonly #latency = new LatencySamples();
  #health: HealthView | undefined;
  #load = 0;
  #sessionsTotal = 0;
  #bytesUpEnded = 0;
  #bytesDownEnded = 0;
  /** Its passive failures: disabled, awaiting a probe, recovered. */
  readonly failures = new FailureState();

  constructor(spec: BackendSpec) {
    this.#spec = spec;
  }

  /** What it is configured as. */
  get spec(): BackendSpec {
    return this.#spec;
  }

  /** The dial address, `host:port`. */
  get key(): string {
    return this.#spec.key;
  }

  /** Latency sub-tier within its configured tier; 0 is the nearest. */
  get subTier(): number {
    return this.#subTier;
  }

  /**
   * Its connect latency (ms): the least of its last few samples (see
   * `LatencySamples`), or undefined before the first.
   */
  get latencyMs(): number | undefined {
    return this.#latency.estimate;
  }

  /** Active health checks, when its tier has them. */
  get health(): HealthView | undefined {
    return this.#health;
  }

  /** Sessions currently holding a lease on it. */
  get load(): number {
    return this.#load;
  }

  /** Sessions ever leased to it. */
  get sessionsTotal(): number {
    return this.#sessionsTotal;
  }

  /** Bytes of its ended sessions, client → backend (live sessions are added at scrape time). */
  get bytesUpEnded(): number {
    return this.#bytesUpEnded;
  }

  /** Bytes of its ended sessions, backend → client. */
  get bytesDownEnded(): number {
    return this.#bytesDownEnded;
  }

  /** Set by a failure: once the disable time is up, it still needs a successful probe. */
  get recovering(): boolean {
    return this.failures.recovering;
  }

  /** No new sessions before this time (ms). */
  get disabledUntil(): number {
    return this.failures.disabledUntil;
  }

  /** The failure that disabled it, while disabled or awaiting a probe. */
  get lastFailure(): { kind: FailureKind; message: string; at: number } | undefined {
    return this.failures.lastFailure;
  }

  /** Failures since the last success. */
  get consecutiveFailures(): number {
    return this.failures.consecutiveFailures;
  }

  /** Dial and probe failures by class, ever. */
  get failuresByKind(): ReadonlyMap<FailureKind, number> {
    return this.failures.failuresByKind;
  }

  /** Takes a new spec for the same address (a reload or DNS answer changed it). */
  respec(spec: BackendSpec): void {
    if (spec.key !== this.#spec.key) throw new RangeError(`respec: ${spec.key} is not ${this.key}`);
    this.#spec = spec;
  }

  /** A lease was taken on it (see `Lease`). */
  leased(): void {
    this.#load++;
    this.#sessionsTotal++;
  }

  /** A lease on it was given back, with the bytes its session moved. */
  released(bytesUp = 0, bytesDown = 0): void {
    this.#load--;
    this.#bytesUpEnded += bytesUp;
    this.#bytesDownEnded += bytesDown;
  }

  /** A probe measured its connect latency: one more sample. */
  measured(latencyMs: number): void {
    this.#latency.add(latencyMs);
  }

  /** Latency regrouping put it in another sub-tier. */
  moveToSubTier(subTier: number): void {
    this.#subTier = subTier;
  }

  /** Attaches (or, with undefined, detaches) the active health checks of its tier. */
  attachHealth(health: HealthView | undefined): void {
    this.#health = health;
  }

  /** Starts its health afresh (it was gone a while); its counters stay. */
  forgetHealth(): void {
    this.#subTier = 0;
    this.#latency.clear();
    this.failures.forget();
  }

  /** Whether it has room for one more session (ignoring health). */
  hasRoom(): boolean {
    return this.#spec.maxConnections === 0 || this.#load < this.#spec.maxConnections;
  }

  /** Whether a failure has it disabled at `now`. */
  isDisabledAt(now: number): boolean {
    return this.failures.isDisabledAt(now);
  }

  /**
   * Whether it can take a new session at `now`: the pick's test, which
   * builds no strings (see `ineligibility` for the reason in words).
   */
  isEligible(now: number): boolean {
    return !this.spec.configDisabled && this.health?.status !== "down" && !this.isDisabledAt(now) &&
      !this.recovering && this.hasRoom();
  }

  /**
   * Why it cannot take a new session at `now`, in plain words, or
   * undefined when it can.
   */
  ineligibility(now: number): string | undefined {
    if (this.spec.configDisabled) return "disabled in config";
    if (this.health?.awaitingFirstCheck) return "joined; waiting for its first health check";
    if (this.health?.status === "down") return `health check failing: ${this.health.lastResult}`;
    const failure = this.lastFailure === undefined
      ? ""
      : `: ${this.lastFailure.message} ×${this.consecutiveFailures}`;
    if (this.isDisabledAt(now)) {
      return `disabled until ${clockTime(this.disabledUntil)}${failure}`;
    }
    if (this.recovering) return `waiting for a successful probe${failure}`;
    if (!this.hasRoom()) return `full ${this.load}/${this.spec.maxConnections}`;
    return undefined;
  }
}

/** `HH:MM:SS` (UTC) of a timestamp, as status lines show it. */
export function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}
