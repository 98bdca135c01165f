/**
 * The running sidecar: every frontend of a config, and a graceful shutdown
 * (stop accepting, let sessions finish within the grace period, then close
 * them).
 * @module
 */

import type { Config } from "../config/types.ts";
import { type FrontendDeps, RunningFrontend } from "../proxy/frontend.ts";

/** How a shutdown ended: every session finished, or some were closed. */
export type ShutdownResult = "drained" | "closed";

/** Owns the frontends of the running config. */
export class Supervisor implements AsyncDisposable {
  readonly #frontends: RunningFrontend[];
  readonly #deps: FrontendDeps;
  #config: Config;

  private constructor(config: Config, frontends: RunningFrontend[], deps: FrontendDeps) {
    this.#config = config;
    this.#frontends = frontends;
    this.#deps = deps;
  }

  /**
   * Starts every frontend of `config`. When one cannot start, those already
   * started are stopped and the error is thrown.
   */
  static async start(config: Config, deps: FrontendDeps): Promise<Supervisor> {
    const started: RunningFrontend[] = [];
    try {
      for (const frontend of config.frontends) {
        started.push(await RunningFrontend.start(frontend, deps));
      }
    } catch (error) {
      await Promise.allSettled(started.map((frontend) => frontend[Symbol.asyncDispose]()));
      throw error;
    }
    return new Supervisor(config, started, deps);
  }

  /** The config now running. */
  get config(): Config {
    return this.#config;
  }

  /** The running frontends, in config order. */
  get frontends(): readonly RunningFrontend[] {
    return this.#frontends;
  }

  /** The shared dependencies (clock, logger, …). */
  get deps(): FrontendDeps {
    return this.#deps;
  }

  /**
   * Stops accepting, waits up to `graceMs` for sessions to end on their own
   * (or until `force` aborts), then closes the rest.
   */
  async shutdown(graceMs: number, force?: AbortSignal): Promise<ShutdownResult> {
    await Promise.all(this.#frontends.map((frontend) => frontend.stopAccepting()));
    const drained = await this.#waitForSessions(graceMs, force);
    await Promise.all(this.#frontends.map((frontend) => frontend[Symbol.asyncDispose]()));
    return drained ? "drained" : "closed";
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown(0);
  }

  async #waitForSessions(graceMs: number, force?: AbortSignal): Promise<boolean> {
    const allDone = Promise.all(this.#frontends.map((frontend) => frontend.sessionsDone()))
      .then(() => true);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onForce: (() => void) | undefined;
    const giveUp = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
      onForce = () => resolve(false);
      force?.addEventListener("abort", onForce, { once: true });
    });
    try {
      return force?.aborted ? false : await Promise.race([allDone, giveUp]);
    } finally {
      clearTimeout(timer);
      if (onForce !== undefined) force?.removeEventListener("abort", onForce);
    }
  }
}
