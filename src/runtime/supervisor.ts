/**
 * The running sidecar: every frontend of the config in force. A new config
 * is applied as a reconcile — frontends are kept, added or removed by bind
 * address, kept ones take their new settings without dropping sessions —
 * and a shutdown is graceful (stop accepting, let sessions finish within
 * the grace period, then close them).
 * @module
 */

import type { Config } from "../config/mod.ts";
import { type FrontendDeps, type FrontendSnapshot, RunningFrontend } from "../proxy/mod.ts";
import { type Scheduler, sleep } from "../scheduler.ts";

/** How a shutdown ended: every session finished, or some were closed. */
export type ShutdownResult = "drained" | "closed";

/** What a reconcile changed, by bind address. */
export interface ApplyResult {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly kept: readonly string[];
}

/** Owns the frontends of the running config. */
export class Supervisor implements AsyncDisposable {
  #frontends: RunningFrontend[];
  readonly #deps: FrontendDeps;
  readonly #retiring = new Set<Promise<void>>();
  #config: Config;
  #generation = 1;

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
    const started = await startAll(config.frontends, deps);
    return new Supervisor(config, started, deps);
  }

  /** The config now running. */
  get config(): Config {
    return this.#config;
  }

  /** How many configs have gone live (1 for the first). */
  get generation(): number {
    return this.#generation;
  }

  /** The running frontends, in config order. */
  get frontends(): readonly RunningFrontend[] {
    return this.#frontends;
  }

  /** Every running frontend as diagnostics show it, copied now. */
  snapshots(): FrontendSnapshot[] {
    return this.#frontends.map((frontend) => frontend.snapshot());
  }

  /** The shared dependencies (clock, logger, decisions, …). */
  get deps(): FrontendDeps {
    return this.#deps;
  }

  /**
   * Makes the running frontends match `config`. New frontends are bound
   * first: if one cannot bind, nothing changes and the error is thrown.
   * Removed frontends stop accepting at once and their sessions get the
   * grace period to finish.
   */
  async apply(config: Config): Promise<ApplyResult> {
    const current = new Map(this.#frontends.map((f) => [frontendKey(f.config), f]));
    const wanted = new Set(config.frontends.map(frontendKey));
    const fresh = await startAll(
      config.frontends.filter((f) => !current.has(frontendKey(f))),
      this.#deps,
    );
    const started = new Map(fresh.map((f) => [frontendKey(f.config), f]));
    const kept: string[] = [];
    const next: RunningFrontend[] = [];
    for (const frontendConfig of config.frontends) {
      const existing = current.get(frontendKey(frontendConfig));
      if (existing !== undefined) {
        await existing.update(frontendConfig);
        kept.push(frontendConfig.bindAddress);
        next.push(existing);
      } else next.push(started.get(frontendKey(frontendConfig)) as RunningFrontend);
    }
    const removed = this.#frontends.filter((f) => !wanted.has(frontendKey(f.config)));
    for (const frontend of removed) this.#retire(frontend, config.gracePeriodMs);
    this.#frontends = next;
    this.#config = config;
    this.#generation++;
    return {
      added: fresh.map((f) => f.config.bindAddress),
      removed: removed.map((f) => f.config.bindAddress),
      kept,
    };
  }

  /**
   * Stops accepting, waits up to `graceMs` for sessions to end on their own
   * (or until `force` aborts), then closes the rest.
   */
  async shutdown(graceMs: number, force?: AbortSignal): Promise<ShutdownResult> {
    await Promise.all(this.#frontends.map((frontend) => frontend.stopAccepting()));
    const drained = await within(
      this.#deps.scheduler,
      graceMs,
      force,
      Promise.all(this.#frontends.map((frontend) => frontend.sessionsDone())),
    );
    await Promise.all(this.#frontends.map((frontend) => frontend[Symbol.asyncDispose]()));
    await Promise.allSettled([...this.#retiring]);
    return drained ? "drained" : "closed";
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown(0);
  }

  #retire(frontend: RunningFrontend, graceMs: number): void {
    const retiring = (async () => {
      await frontend.stopAccepting();
      await within(this.#deps.scheduler, graceMs, undefined, frontend.sessionsDone());
      frontend.closeSessions("drain");
      await frontend[Symbol.asyncDispose]();
    })().finally(() => this.#retiring.delete(retiring));
    this.#retiring.add(retiring);
  }
}

/**
 * A frontend's identity across reloads: its bind address, or, for an
 * ephemeral port (`:0`), its address and name.
 */
export function frontendKey(frontend: Config["frontends"][number]): string {
  return frontend.bindAddress.endsWith(":0")
    ? `${frontend.bindAddress}#${frontend.name}`
    : frontend.bindAddress;
}

async function startAll(
  configs: readonly Config["frontends"][number][],
  deps: FrontendDeps,
): Promise<RunningFrontend[]> {
  const started: RunningFrontend[] = [];
  try {
    for (const frontend of configs) started.push(await RunningFrontend.start(frontend, deps));
  } catch (error) {
    await Promise.allSettled(started.map((frontend) => frontend[Symbol.asyncDispose]()));
    throw error;
  }
  return started;
}

/** Whether `work` settles within `ms` (and before `force` aborts). */
async function within(
  scheduler: Scheduler,
  ms: number,
  force: AbortSignal | undefined,
  work: Promise<unknown>,
): Promise<boolean> {
  if (force?.aborted) return false;
  const giveUp = new AbortController();
  const onForce = () => giveUp.abort();
  force?.addEventListener("abort", onForce, { once: true });
  try {
    return await Promise.race([
      work.then(() => true),
      sleep(scheduler, ms, giveUp.signal).then(() => false),
    ]);
  } finally {
    giveUp.abort();
    force?.removeEventListener("abort", onForce);
  }
}
