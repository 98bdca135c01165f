/**
 * A frontend's open sessions: started, tracked until they end, swept for
 * idleness, shown to maintenance as views, and closed on request (at once
 * or smeared over a delay). Nothing else holds a session.
 * @module
 */

import { type Closure, MovesInFlight, type SessionView } from "../balancer/mod.ts";
import type { Logger } from "../log/mod.ts";
import { type Scheduler, TimerGroup } from "../scheduler.ts";
import type { FrontendStats } from "./frontend_stats.ts";
import { IdleTracker, sweepIntervalMs } from "./idle.ts";
import type { EndReason } from "./end_reason.ts";
import type { BackendSpec } from "../pool/mod.ts";

/** Bytes moved by live sessions, per backend address. */
export type LiveBytes = ReadonlyMap<string, { readonly up: number; readonly down: number }>;

/** A session as the registry tracks it (plain tcp and protocol sessions alike). */
export interface TrackedSession {
  readonly id: number;
  readonly startedAt: number;
  readonly backend: BackendSpec | undefined;
  readonly connected: boolean;
  /** Bytes moved either way: when it stops changing, the session is idle. */
  readonly activity: number;
  readonly bytesUp: number;
  readonly bytesDown: number;
  readonly endReason: EndReason | undefined;
  close(reason: EndReason): void;
}

/** What the registry needs from its frontend. */
export interface RegistryDeps {
  readonly scheduler: Scheduler;
  readonly log: Logger;
  readonly stats: FrontendStats;
}

/** The sessions of one frontend. */
export class SessionRegistry implements Disposable {
  readonly #deps: RegistryDeps;
  readonly #sessions = new Map<number, TrackedSession>();
  /** Who waits for the last session to end (`done`). */
  #emptied: Array<() => void> = [];
  readonly #closing = new Set<number>();
  readonly #moves = new MovesInFlight();
  readonly #idle = new IdleTracker<TrackedSession>();
  readonly #timers: TimerGroup;
  #frontendName = "";
  #stopSweep: () => void = () => {};

  constructor(deps: RegistryDeps) {
    this.#deps = deps;
    this.#timers = new TimerGroup(deps.scheduler);
  }

  /** Open sessions. */
  get size(): number {
    return this.#sessions.size;
  }

  /** Sweeps for sessions idle longer than `idleMs` (restarting the sweep on a reload). */
  configure(frontendName: string, idleMs: number): void {
    this.#frontendName = frontendName;
    this.#stopSweep();
    this.#stopSweep = this.#timers.every(sweepIntervalMs(idleMs), () => this.#closeIdle(idleMs));
  }

  /**
   * Tracks `session` from now until `start` (which runs it) calls `ended`;
   * counts its end. A callback rather than a promise per session, since a
   * session's promise would be held for as long as it is open.
   */
  track<S extends TrackedSession>(
    session: S,
    start: (session: S, ended: () => void) => void,
  ): void {
    this.#sessions.set(session.id, session);
    this.#deps.stats.accepted();
    start(session, () => this.#ended(session));
  }

  /** Connected sessions not already closing, as maintenance sees them. */
  views(now: number): SessionView[] {
    const views: SessionView[] = [];
    for (const session of this.#sessions.values()) {
      const backend = session.backend;
      if (backend === undefined || !session.connected || this.#closing.has(session.id)) continue;
      views.push({
        id: session.id,
        backendKey: backend.key,
        tier: backend.tier,
        idleMs: this.#idle.observe(session, now),
      });
    }
    return views;
  }

  /**
   * Failback moves still holding a seat on a better tier: sessions closing,
   * or ended less than `windowMs` ago (their clients may be reconnecting).
   */
  movesInFlight(now: number, windowMs: number): number {
    return this.#moves.count(now, windowMs);
  }

  /** Closes a session after the closure's delay (drain, failback). */
  closeLater(closure: Closure): void {
    const session = this.#sessions.get(closure.sessionId);
    if (session === undefined) return;
    this.#closing.add(session.id);
    if (closure.reason === "failback") this.#moves.closing(session.id);
    this.#deps.log.info("closing session", {
      frontend: this.#frontendName,
      session: session.id,
      reason: closure.reason,
      why: closure.why,
      inMs: closure.delayMs,
    });
    this.#timers.after(closure.delayMs, () => session.close(closure.reason));
  }

  /** Closes every open session with `reason`. */
  closeAll(reason: EndReason): void {
    for (const session of this.#sessions.values()) session.close(reason);
  }

  /** Resolves when every session has ended. */
  async done(): Promise<void> {
    while (this.#sessions.size > 0) {
      await new Promise<void>((resolve) => this.#emptied.push(resolve));
    }
  }

  /** Bytes moved so far by live sessions, per backend address. */
  liveBytes(): LiveBytes {
    const bytes = new Map<string, { up: number; down: number }>();
    for (const session of this.#sessions.values()) {
      const key = session.backend?.key;
      if (key === undefined) continue;
      const sum = bytes.get(key) ?? { up: 0, down: 0 };
      sum.up += session.bytesUp;
      sum.down += session.bytesDown;
      bytes.set(key, sum);
    }
    return bytes;
  }

  /** Stops the sweep and pending closes; sessions are left to `closeAll`. */
  [Symbol.dispose](): void {
    this.#timers[Symbol.dispose]();
  }

  #ended(session: TrackedSession): void {
    if (!this.#sessions.delete(session.id)) return;
    this.#closing.delete(session.id);
    const now = this.#deps.scheduler.now();
    this.#moves.ended(session.id, now);
    const durationMs = now - session.startedAt;
    this.#deps.stats.ended(session.endReason ?? "error", durationMs);
    if (this.#sessions.size > 0) return;
    const waiting = this.#emptied;
    this.#emptied = [];
    for (const resolve of waiting) resolve();
  }

  #closeIdle(idleMs: number): void {
    const now = this.#deps.scheduler.now();
    for (const session of this.#sessions.values()) {
      if (this.#idle.isIdle(session, now, idleMs)) session.close("idle");
    }
  }
}
