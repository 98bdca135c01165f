/**
 * A running frontend: its listener and its sessions. The backends behind it
 * are the upkeep's; each accepted client becomes a session that leases one,
 * unless the process is near its descriptor limit: then it is closed at
 * once (shed) and counted. Accepting survives EMFILE (see `listenTcp`).
 * @module
 */

import type { DecisionLog } from "../balancer/mod.ts";
import { formatHostPort, type Frontend, parseHostPort } from "../config/mod.ts";
import type { Resolver } from "../discovery/mod.ts";
import type { Logger } from "../log/mod.ts";
import type net from "node:net";
import {
  type SocketDialer,
  socketDialer,
  type TcpConnection,
  type TcpDialer,
  type TcpListener,
} from "../net/mod.ts";
import type { Scheduler } from "../scheduler.ts";
import { BackendUpkeep } from "./backend_upkeep.ts";
import type { BufferPool } from "./buffer_pool.ts";
import type { Dialer } from "./dial.ts";
import { FrontendStats } from "./frontend_stats.ts";
import { DeadlineSweep } from "./deadline_sweep.ts";
import { ListenError } from "./listen_error.ts";
import type { BackendSpec } from "../pool/mod.ts";
import { protocolWiring } from "./protocol_wiring.ts";
import type { ProtocolFactory } from "./session_protocol.ts";
import type { EndReason } from "./end_reason.ts";
import { ProtocolSession, type ProtocolSessionDeps } from "./protocol_session.ts";
import { closeSessionsOnHealthFailure, listenForTcp, tcpSessionDeps } from "./tcp_frontend.ts";
import { TcpSession, type TcpSessionDeps } from "./tcp_session.ts";
import { SessionRegistry } from "./session_registry.ts";
import type { FrontendSnapshot } from "./snapshot.ts";

/** What every frontend shares. */
export interface FrontendDeps {
  readonly scheduler: Scheduler;
  readonly log: Logger;
  readonly resolver: Resolver;
  /** Probes' and PostgreSQL cancel requests' dialer. */
  readonly dialer: Dialer;
  /** Plain tcp sessions' dialer (the node:net data path). */
  readonly sessionDialer: TcpDialer;
  /** Protocol sessions' dialer (node:net, reading the node way). @default socketDialer() */
  readonly socketDialer?: SocketDialer;
  readonly buffers: BufferPool;
  readonly decisions: DecisionLog;
  /** A number in [0, 1), for smearing closes. */
  readonly rng: () => number;
  /** The process's descriptor headroom. */
  readonly fds: DescriptorGate;
}

/** When to shed new clients, and where a lack of descriptors is reported. */
export interface DescriptorGate {
  /** Whether a new client should be closed at once. */
  shouldShed(): boolean;
  /** An accept or dial failed for lack of descriptors at `now`. */
  exhausted(now: number): void;
  view?(now: number): { readonly atLimit: boolean }; // at the limit, or just after an EMFILE
}

/** A listening frontend and its sessions. */
export class RunningFrontend implements AsyncDisposable {
  /** The address actually bound, `host:port` (the real port when 0 was asked). */
  readonly address: string;
  #config: Frontend;
  readonly #deps: FrontendDeps;
  readonly #stats = new FrontendStats();
  readonly #sessions: SessionRegistry;
  readonly #upkeep: BackendUpkeep;
  readonly #listener: TcpListener;
  readonly #stopHealthClose: () => void;
  /** PostgreSQL cancel keys of live sessions → their backends. */
  readonly #cancelKeys = new Map<string, BackendSpec>();
  /** Undefined for tcp. */
  #protocol: ProtocolFactory | undefined;
  #sessionDepsNow: ProtocolSessionDeps;
  #tcpSessionDepsNow: TcpSessionDeps;
  readonly #deadlines: DeadlineSweep;
  #nextSessionId = 1;
  /** Clients shed since shedding began; undefined while not shedding. */
  #shedding: number | undefined;

  private constructor(config: Frontend, deps: FrontendDeps, listener: TcpListener) {
    this.#config = config;
    this.#deps = deps;
    this.#sessions = new SessionRegistry({ ...deps, stats: this.#stats });
    this.#sessions.configure(config.name, config.idleDurationMs);
    this.#upkeep = new BackendUpkeep(config, deps, this.#sessions, this.#stats);
    this.#deadlines = new DeadlineSweep(deps.scheduler);
    this.#tcpSessionDepsNow = tcpSessionDeps(config, deps, this.#upkeep, this.#deadlines);
    this.#sessionDepsNow = this.#sessionDeps();
    this.#stopHealthClose = closeSessionsOnHealthFailure(() => this.#config, this.#sessions, deps);
    this.address = formatHostPort(listener.hostname, listener.port);
    this.#listener = listener;
  }

  /**
   * Starts listening, resolves the backends and starts their upkeep.
   *
   * @throws {ListenError} when the bind address cannot be bound
   */
  static async start(config: Frontend, deps: FrontendDeps): Promise<RunningFrontend> {
    const { hostname, port } = parseHostPort(config.bindAddress) as {
      hostname: string;
      port: number;
    };
    const address = { hostname: hostname === "" ? "0.0.0.0" : hostname, port };
    // A client accepted before the frontend exists (none: no event turn between) is closed.
    const tcp: { frontend?: RunningFrontend } = {};
    const admitProtocol = (socket: net.Socket, keepAliveMs: number) => {
      const frontend = tcp.frontend;
      if (frontend === undefined) socket.destroy();
      else frontend.#admit(socket, keepAliveMs);
    };
    let listener: TcpListener;
    try {
      listener = await listenForTcp(config, address, deps, (client) => {
        const frontend = tcp.frontend;
        if (frontend === undefined) client.close();
        else frontend.#admitTcp(client);
      }, config.protocol === "tcp" ? undefined : admitProtocol);
    } catch (error) {
      throw new ListenError(
        `frontend ${config.name}: cannot listen on ${config.bindAddress}: ${
          (error as Error).message
        }`,
        { cause: error },
      );
    }
    const frontend = new RunningFrontend(config, deps, listener);
    tcp.frontend = frontend;
    await frontend.#useProtocol(config);
    await frontend.#upkeep.start();
    return frontend;
  }

  /** The frontend config in force. */
  get config(): Frontend {
    return this.#config;
  }

  /**
   * Takes a new config for the same bind address (a reload): sessions stay,
   * backends are reconciled by address, periodic jobs restart.
   */
  async update(config: Frontend): Promise<void> {
    this.#config = config;
    this.#tcpSessionDepsNow = tcpSessionDeps(config, this.#deps, this.#upkeep, this.#deadlines);
    this.#listener.setKeepAlive(config.keepAliveMs);
    this.#sessionDepsNow = this.#sessionDeps();
    this.#sessions.configure(config.name, config.idleDurationMs);
    await this.#useProtocol(config);
    await this.#upkeep.update(config);
  }

  /** Resolves every backend name again now. */
  refreshDiscovery(): Promise<void> {
    return this.#upkeep.refreshDiscovery();
  }

  /** Open sessions (each holds a client socket and, once dialled, a backend socket). */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Everything diagnostics show, copied now. */
  snapshot(): FrontendSnapshot {
    return {
      ...this.#upkeep.snapshot(this.#deps.scheduler.now()),
      config: this.#config,
      address: this.address,
      activeSessions: this.#sessions.size,
      waitingClients: this.#upkeep.waiting,
      stats: this.#stats.snapshot(),
      liveBytes: this.#sessions.liveBytes(),
      acceptStall: this.#listener.stall,
    };
  }

  /** Stops accepting new clients; resolves once the listener is really closed. */
  async stopAccepting(): Promise<void> {
    await this.#listener.close();
  }

  /** Closes every open session with `reason`. */
  closeSessions(reason: EndReason): void {
    this.#sessions.closeAll(reason);
  }

  /** Resolves when every session has ended. */
  sessionsDone(): Promise<void> {
    return this.#sessions.done();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#stopHealthClose();
    this.#upkeep.stopJobs();
    this.#sessions[Symbol.dispose]();
    await this.stopAccepting();
    this.closeSessions("shutdown");
    await this.sessionsDone();
    this.#deadlines[Symbol.dispose]();
    this.#upkeep[Symbol.dispose]();
  }

  /** Starts a protocol session for `client`, or closes it at once when descriptors run short. */
  #admit(client: net.Socket, keepAliveMs: number): void {
    const protocol = this.#protocol;
    if (this.#shed() || protocol === undefined) return void client.destroy();
    const id = this.#nextSessionId++;
    const session = new ProtocolSession(
      id,
      client,
      this.#deps.scheduler.now(),
      protocol.session(id),
      keepAliveMs,
    );
    this.#sessions.track(session, this.#runSession);
  }

  /** Starts a tcp session for `client`, or closes it at once when descriptors run short. */
  #admitTcp(client: TcpConnection): void {
    if (this.#shed()) return void client.close();
    const session = new TcpSession(this.#nextSessionId++, client, this.#deps.scheduler.now());
    this.#sessions.track(session, this.#runTcpSession);
  }

  /** Whether to close a new client at once (descriptors run short); counts and logs it. */
  #shed(): boolean {
    const { fds, log } = this.#deps;
    if (!fds.shouldShed()) {
      if (this.#shedding !== undefined) {
        log.info("taking new clients again", { frontend: this.#config.name, shed: this.#shedding });
        this.#shedding = undefined;
      }
      return false;
    }
    this.#stats.shed();
    if (this.#shedding === undefined) {
      log.warn("near the file descriptor limit: closing new clients at once until sessions end", {
        frontend: this.#config.name,
        sessions: this.#sessions.size,
      });
    }
    this.#shedding = (this.#shedding ?? 0) + 1;
    return true;
  }

  async #useProtocol(config: Frontend): Promise<void> {
    const { scheduler, dialer, log } = this.#deps;
    const wiring = await protocolWiring(config, {
      scheduler,
      dialer,
      log,
      cancelKeys: this.#cancelKeys,
    });
    this.#protocol = wiring?.sessions;
    this.#upkeep.useProtocolProbe(wiring?.probe);
  }

  /** What every protocol session of this config shares: the tcp sessions' deps, another dialer. */
  #sessionDeps(): ProtocolSessionDeps {
    return { ...this.#tcpSessionDepsNow, dialer: this.#deps.socketDialer ?? socketDialer() };
  }

  readonly #runSession = (session: ProtocolSession, ended: () => void): void => {
    session.start(this.#sessionDepsNow, ended);
  };

  readonly #runTcpSession = (session: TcpSession, ended: () => void): void => {
    session.start(this.#tcpSessionDepsNow, ended);
  };
}
