/**
 * A running frontend: its listener, accept loop, pool, sessions and idle
 * sweep. Wiring only: decisions live in the pool and the session.
 * @module
 */

import type { Clock } from "../clock.ts";
import { parseHostPort } from "../config/address.ts";
import type { Frontend } from "../config/types.ts";
import { backendSpecs, hostsOf } from "../balancer/targets.ts";
import { resolveHosts } from "../discovery/discover.ts";
import type { Resolver } from "../discovery/resolve.ts";
import type { Logger } from "../log/logger.ts";
import { Pool } from "../pool/pool.ts";
import { Admission } from "./admission.ts";
import type { BufferPool } from "./buffer_pool.ts";
import type { Dialer } from "./dial.ts";
import { IdleTracker, sweepIntervalMs } from "./idle.ts";
import { type EndReason, Session } from "./session.ts";

/** What every frontend shares. */
export interface FrontendDeps {
  readonly clock: Clock;
  readonly log: Logger;
  readonly resolver: Resolver;
  readonly dialer: Dialer;
  readonly buffers: BufferPool;
}

/** A frontend that cannot start, e.g. its address is taken. */
export class ListenError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ListenError";
  }
}

/** A listening frontend and its sessions. */
export class RunningFrontend implements AsyncDisposable {
  readonly config: Frontend;
  readonly pool = new Pool();
  readonly sessions = new Set<Session>();
  /** The address actually bound, `host:port` (the real port when 0 was asked). */
  readonly address: string;
  readonly #deps: FrontendDeps;
  readonly #admission: Admission;
  readonly #listener: Deno.TcpListener;
  readonly #acceptLoop: Promise<void>;
  readonly #running = new Set<Promise<void>>();
  readonly #idle = new IdleTracker<Session>();
  readonly #sweep: ReturnType<typeof setInterval>;
  #nextSessionId = 1;

  private constructor(config: Frontend, deps: FrontendDeps, listener: Deno.TcpListener) {
    this.config = config;
    this.#deps = deps;
    this.#listener = listener;
    this.#admission = new Admission(this.pool, deps.clock);
    const bound = listener.addr as Deno.NetAddr;
    this.address = bound.hostname.includes(":")
      ? `[${bound.hostname}]:${bound.port}`
      : `${bound.hostname}:${bound.port}`;
    this.#acceptLoop = this.#accept();
    this.#sweep = setInterval(() => this.#closeIdle(), sweepIntervalMs(config.idleDurationMs));
  }

  /**
   * Resolves the frontend's backends and starts listening.
   *
   * @throws {ListenError} when the bind address cannot be bound
   */
  static async start(config: Frontend, deps: FrontendDeps): Promise<RunningFrontend> {
    const { hostname, port } = parseHostPort(config.bindAddress) as {
      hostname: string;
      port: number;
    };
    let listener: Deno.TcpListener;
    try {
      listener = Deno.listen({ hostname: hostname === "" ? "0.0.0.0" : hostname, port });
    } catch (error) {
      throw new ListenError(
        `frontend ${config.name}: cannot listen on ${config.bindAddress}: ${
          (error as Error).message
        }`,
        { cause: error },
      );
    }
    const frontend = new RunningFrontend(config, deps, listener);
    await frontend.refreshBackends();
    return frontend;
  }

  /** Clients waiting for a backend. */
  get waiting(): number {
    return this.#admission.waiting;
  }

  /** Resolves every host again and applies the result to the pool. */
  async refreshBackends(): Promise<void> {
    const tiers = this.config.backendPool.tiers;
    const { answers, failures } = await resolveHosts(hostsOf(tiers), this.#deps.resolver);
    for (const [host, error] of failures) {
      this.#deps.log.warn("cannot resolve backend host", {
        frontend: this.config.name,
        host,
        error,
      });
    }
    this.pool.apply(backendSpecs(tiers, answers));
    this.#admission.wakeAll();
  }

  /** Stops accepting new clients; resolves once the listener is really closed. */
  async stopAccepting(): Promise<void> {
    try {
      this.#listener.close();
    } catch {
      // Already closed.
    }
    await this.#acceptLoop;
  }

  /** Closes every open session with `reason`. */
  closeSessions(reason: EndReason): void {
    for (const session of this.sessions) session.close(reason);
  }

  /** Resolves when every session has ended. */
  async sessionsDone(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    clearInterval(this.#sweep);
    await this.stopAccepting();
    this.closeSessions("shutdown");
    await this.sessionsDone();
    this.#admission[Symbol.dispose]();
  }

  async #accept(): Promise<void> {
    try {
      for await (const client of this.#listener) this.#startSession(client);
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) {
        this.#deps.log.error("accept failed", {
          frontend: this.config.name,
          error: (error as Error).message,
        });
      }
    }
  }

  #startSession(client: Deno.TcpConn): void {
    const session = new Session(this.#nextSessionId++, client, this.#deps.clock.now());
    this.sessions.add(session);
    const running = session.run({
      frontendName: this.config.name,
      pool: this.pool,
      admission: this.#admission,
      dialer: this.#deps.dialer,
      buffers: this.#deps.buffers,
      clock: this.#deps.clock,
      log: this.#deps.log,
      queueTimeoutMs: this.config.queueTimeoutMs,
    }).finally(() => {
      this.sessions.delete(session);
      this.#running.delete(running);
    });
    this.#running.add(running);
  }

  #closeIdle(): void {
    const now = this.#deps.clock.now();
    for (const session of this.sessions) {
      if (this.#idle.isIdle(session, now, this.config.idleDurationMs)) session.close("idle");
    }
  }
}
