/**
 * One backend address and its live state. Pure data plus the rules that
 * read it; time always comes in as an argument.
 * @module
 */

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
}

/** Why a backend was disabled, by the kind of failure. */
export type FailureKind = "refused" | "timeout" | "unreachable" | "reset" | "dns" | "error";

/** The active-check state a backend may carry (see balancer/health.ts). */
export interface HealthView {
  readonly status: "up" | "down";
  readonly lastResult: string;
}

/** A backend with its load and health. */
export class Backend {
  spec: BackendSpec;
  /** Latency sub-tier within its configured tier; 0 is the nearest. */
  subTier = 0;
  /** The last measured connect latency (ms), if any. */
  latencyMs: number | undefined;
  /** Active health checks, when its tier has them. */
  health: HealthView | undefined;
  /**
   * Set by a failure: once the disable time is up, it still needs a
   * successful probe before it takes sessions again.
   */
  recovering = false;
  /** Sessions currently holding a lease on it. */
  load = 0;
  /** Sessions ever leased to it. */
  sessionsTotal = 0;
  /** Bytes of its ended sessions, client → backend (live sessions are added at scrape time). */
  bytesUpEnded = 0;
  /** Bytes of its ended sessions, backend → client. */
  bytesDownEnded = 0;
  /** Dial and probe failures by class, ever. */
  readonly failuresByKind = new Map<FailureKind, number>();
  /** No new sessions before this time (ms). */
  disabledUntil = 0;
  /** The failure that disabled it, while disabled. */
  lastFailure: { kind: FailureKind; message: string; at: number } | undefined;
  /** Failures since the last success. */
  consecutiveFailures = 0;

  constructor(spec: BackendSpec) {
    this.spec = spec;
  }

  /** The dial address, `host:port`. */
  get key(): string {
    return this.spec.key;
  }

  /** Starts its health afresh (it was gone a while); its counters stay. */
  forgetHealth(): void {
    this.subTier = 0;
    this.latencyMs = undefined;
    this.recovering = false;
    this.disabledUntil = 0;
    this.lastFailure = undefined;
    this.consecutiveFailures = 0;
  }

  /** Whether it has room for one more session (ignoring health). */
  hasRoom(): boolean {
    return this.spec.maxConnections === 0 || this.load < this.spec.maxConnections;
  }

  /** Whether a failure has it disabled at `now`. */
  isDisabledAt(now: number): boolean {
    return now < this.disabledUntil;
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
