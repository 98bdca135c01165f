/**
 * The probes of one frontend's backends: latency probes, health checks and
 * recovery probes, and what a failed dial or probe sets off (disable, then
 * a recovery probe once the disable time is up, until one succeeds). Part
 * of `BackendUpkeep`, apart so that the upkeep keeps only the wiring of its
 * periodic jobs. Wiring only: every decision is the balancer's.
 * @module
 */

import type { Balancer, ProbePurpose } from "../balancer/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { Backend, FailureKind } from "../pool/mod.ts";
import { type Scheduler, TimerGroup } from "../scheduler.ts";
import type { Dialer } from "./dial.ts";
import { LOCAL_RETRY_MS, probeBackend } from "./probe.ts";
import type { ProtocolProbe } from "./protocol_probe.ts";

/** What the probes need from the sidecar. */
export interface ProbeDeps {
  readonly scheduler: Scheduler;
  readonly log: Logger;
  readonly dialer: Dialer;
}

/** Probes one frontend's backends and plans their recovery. */
export class UpkeepProbes implements Disposable {
  readonly #deps: ProbeDeps;
  readonly #balancer: Balancer;
  readonly #frontend: () => string;
  readonly #wake: () => void;
  /** One-off timers: recovery probes. */
  readonly #timers: TimerGroup;
  readonly #recovery = new Map<string, () => void>();
  readonly #stop = new AbortController();
  #protocolProbe: ProtocolProbe | undefined;

  /**
   * `frontend` names the frontend for the log (it can change on a reload);
   * `wake` is called when a backend became eligible again.
   */
  constructor(deps: ProbeDeps, balancer: Balancer, frontend: () => string, wake: () => void) {
    this.#deps = deps;
    this.#balancer = balancer;
    this.#frontend = frontend;
    this.#wake = wake;
    this.#timers = new TimerGroup(deps.scheduler);
  }

  /** Whether health and recovery probes speak the frontend's protocol. */
  get speaksProtocol(): boolean {
    return this.#protocolProbe !== undefined;
  }

  /** Health and recovery probes speak the frontend's protocol (undefined: plain checks). */
  useProtocolProbe(probe: ProtocolProbe | undefined): void {
    this.#protocolProbe = probe;
  }

  /** Measures every backend not waiting to recover. */
  async measureLatency(): Promise<void> {
    const live = this.#balancer.backends.filter((b) => !b.recovering);
    await Promise.all(live.map((backend) => this.probe(backend, "latency")));
  }

  /** Runs one health check of every backend of the tier `tierIndex`. */
  async checkHealth(tierIndex: number): Promise<void> {
    const backends = this.#balancer.backends.filter((b) => b.spec.tier === tierIndex);
    await Promise.all(backends.map((backend) => this.probe(backend, "health")));
  }

  /** Checks the backends that joined awaiting their first health check now, not an interval later. */
  async checkJoined(backends: readonly Backend[]): Promise<void> {
    const joined = backends.filter((backend) => backend.health?.awaitingFirstCheck === true);
    await Promise.all(joined.map((backend) => this.probe(backend, "health")));
  }

  /** A dial (or a probe the server refused) failed: disable `backend` and plan its recovery. */
  dialFailed(backend: Backend, error: { kind: FailureKind; message: string }): void {
    const { scheduler, log } = this.#deps;
    const durationMs = this.#balancer.dialFailed(
      backend,
      error.kind,
      error.message,
      scheduler.now(),
    );
    log.warn("backend disabled after a failed dial", {
      frontend: this.#frontend(),
      backend: backend.key,
      tier: backend.spec.tierName,
      kind: error.kind,
      forMs: durationMs,
    });
    this.#planRecovery(backend);
  }

  /** Probes `backend`; false when this process could not (e.g. out of descriptors). */
  async probe(backend: Backend, purpose: ProbePurpose): Promise<boolean> {
    const check = this.#balancer.tierOf(backend)?.healthCheck;
    const options = check === undefined
      ? { timeoutMs: backend.spec.dialTimeoutMs, send: "", expect: "" }
      : { timeoutMs: check.timeoutMs, send: check.send, expect: check.expect };
    const { dialer, scheduler, log } = this.#deps;
    const signal = this.#stop.signal;
    const result = purpose === "latency" || this.#protocolProbe === undefined
      ? await probeBackend(dialer, backend.spec, options, scheduler, signal)
      : await this.#protocolProbe(backend.spec, options.timeoutMs, signal);
    if (signal.aborted || result === undefined) return result !== undefined;
    // The server itself said no (shutting down, not a primary): out now, not after `fall` checks.
    if (!result.ok && result.kind === "refused" && purpose === "health") {
      if (backend.isEligible(scheduler.now())) this.dialFailed(backend, result);
    }
    const wasDisabled = backend.isDisabledAt(scheduler.now());
    if (this.#balancer.probed(backend, purpose, result, scheduler.now())) {
      log.info("backend recovered", { frontend: this.#frontend(), backend: backend.key, purpose });
      this.#wake();
    }
    if (!wasDisabled && backend.isDisabledAt(scheduler.now())) this.#planRecovery(backend);
    return true;
  }

  /** Stops every recovery probe and aborts the probes under way. */
  [Symbol.dispose](): void {
    this.#timers[Symbol.dispose]();
    this.#stop.abort();
  }

  /** Probes a disabled backend once its disable time is up (or after `notBeforeMs`), until it recovers. */
  #planRecovery(backend: Backend, notBeforeMs = 0): void {
    this.#recovery.get(backend.key)?.();
    const waitMs = Math.max(notBeforeMs, backend.disabledUntil - this.#deps.scheduler.now());
    this.#recovery.set(
      backend.key,
      this.#timers.after(waitMs, async () => {
        this.#recovery.delete(backend.key);
        if (!backend.recovering || this.#balancer.get(backend.key) !== backend) return;
        const probed = await this.probe(backend, "recovery");
        if (backend.recovering) this.#planRecovery(backend, probed ? 0 : LOCAL_RETRY_MS);
      }),
    );
  }
}
