/**
 * A running frontend: its listener and its sessions. The backends behind it
 * are the upkeep's; each accepted client becomes a session that leases one,
 * unless the process is near its descriptor limit: then it is closed at
 * once (shed) and counted. Accepting survives EMFILE (see `AcceptLoop`).
 * @module
 */

import type { DecisionLog } from "../balancer/mod.ts";
import { formatHostPort, type Frontend, parseHostPort } from "../config/mod.ts";
import type { Resolver } from "../discovery/mod.ts";
import type { Logger } from "../log/mod.ts";
import {
  AcceptLoop,
  closeQuietly,
  isResourceExhaustion,
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
import { Session, type SessionDeps } from "./session.ts";
import { closeSessionsOnHealthFailure, listenForTcp, tcpSessionDeps } from "./tcp_frontend.ts";
import { TcpSession, type TcpSessionDeps } from "./tcp_session.ts";
import { SessionRegistry } from "./session_registry.ts";
import type { FrontendSnapshot } from "./snapshot.ts";

/** What every frontend shares. */
export interface FrontendDeps {
  readonly scheduler: Scheduler;
  readonly log: Logger;
  readonly resolver: Resolver;
  /** Probes' and protocol sessions' dialer. */
  readonly dialer: Dialer;
  /** Plain tcp sessions' dialer (the node:net data path). */
  readonly sessionDialer: TcpDialer;
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

/** Protocol frontends accept on Deno (their sessions read `Deno.Conn`), tcp ones on node:net. */
type Listener = Deno.TcpListener | TcpListener;

/** A listening frontend and its sessions. */
export class RunningFrontend implements AsyncDisposable {
  /** The address actually bound, `host:port` (the real port when 0 was asked). */
  readonly address: string;
  #config: Frontend;
  readonly #deps: FrontendDeps;
  readonly #stats = new FrontendStats();
  readonly #sessions: SessionRegistry;
  readonly #upkeep: BackendUpkeep;
  readonly #acceptLoop: AcceptLoop | undefined;
  readonly #tcpListener: TcpListener | undefined;
  readonly #stopHealthClose: () => void;
  /** PostgreSQL cancel keys of live sessions → their backends. */
  readonly #cancelKeys = new Map<string, BackendSpec>();
  /** Undefined for tcp. */
  #protocol: ProtocolFactory | undefined;
  #sessionDepsNow: SessionDeps;
  #tcpSessionDepsNow: TcpSessionDeps;
  readonly #dialDeadlines: DeadlineSweep;
  #nextSessionId = 1;
  /** Clients shed since shedding began; undefined while not shedding. */
  #shedding: number | undefined;

  private constructor(config: Frontend, deps: FrontendDeps, listener: Listener) {
    this.#config = config;
    this.#deps = deps;
    this.#sessions = new SessionRegistry({ ...deps, stats: this.#stats });
    this.#sessions.configure(config.name, config.idleDurationMs);
    this.#upkeep = new BackendUpkeep(config, deps, this.#sessions, this.#stats);
    this.#dialDeadlines = new DeadlineSweep(deps.scheduler);
    this.#sessionDepsNow = this.#sessionDeps(config);
    this.#tcpSessionDepsNow = tcpSessionDeps(config, deps, this.#upkeep, this.#dialDeadlines);
    this.#stopHealthClose = closeSessionsOnHealthFailure(() => this.#config, this.#sessions, deps);
    if (!("addr" in listener)) {
      this.address = formatHostPort(listener.hostname, listener.port);
      this.#tcpListener = listener;
      return;
    }
    const bound = listener.addr as Deno.NetAddr;
    this.address = formatHostPort(bound.hostname, bound.port);
    this.#acceptLoop = new AcceptLoop(listener, {
      onConnection: (client) => this.#admit(client),
      scheduler: deps.scheduler,
      log: deps.log,
      logFields: { frontend: config.name },
      onExhausted: () => deps.fds.exhausted(deps.scheduler.now()),
    });
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
    // A tcp client accepted before the frontend exists (none: no event turn between) is closed.
    const tcp: { frontend?: RunningFrontend } = {};
    let listener: Listener;
    try {
      listener = config.protocol !== "tcp"
        ? Deno.listen(address)
        : await listenForTcp(config, address, deps, (client) => {
          const frontend = tcp.frontend;
          if (frontend === undefined) client.socket.destroy();
          else frontend.#admitTcp(client);
        });
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
    this.#sessionDepsNow = this.#sessionDeps(config);
    this.#tcpSessionDepsNow = tcpSessionDeps(config, this.#deps, this.#upkeep, this.#dialDeadlines);
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
      acceptStall: this.#acceptLoop?.stall ?? this.#tcpListener?.stall,
    };
  }

  /** Stops accepting new clients; resolves once the listener is really closed. */
  async stopAccepting(): Promise<void> {
    await this.#acceptLoop?.close();
    await this.#tcpListener?.close();
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
    this.#dialDeadlines[Symbol.dispose]();
    this.#upkeep[Symbol.dispose]();
  }

  /** Starts a protocol session for `client`, or closes it at once when descriptors run short. */
  #admit(client: Deno.TcpConn): void {
    if (this.#shed()) closeQuietly(client);
    else this.#startSession(client);
  }

  /** Starts a tcp session for `client`, or closes it at once when descriptors run short. */
  #admitTcp(client: TcpConnection): void {
    if (this.#shed()) return void client.socket.destroy();
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

  #startSession(client: Deno.TcpConn): void {
    const id = this.#nextSessionId++;
    const now = this.#deps.scheduler.now();
    const session = new Session(id, client, now, this.#protocol?.session(id));
    this.#sessions.track(session, this.#runSession);
  }

  /** What every session of this config shares: made once per config, not per session. */
  #sessionDeps(config: Frontend): SessionDeps {
    const { scheduler, dialer, buffers, log } = this.#deps;
    return {
      frontendName: config.name,
      leases: this.#upkeep,
      dialer,
      buffers,
      scheduler,
      dialDeadlines: this.#dialDeadlines,
      log,
      queueTimeoutMs: config.queueTimeoutMs,
      localFailure: (error) => {
        if (isResourceExhaustion(error.cause)) this.#deps.fds.exhausted(scheduler.now());
      },
    };
  }

  readonly #runSession = (session: Session, ended: () => void): void => {
    session.start(this.#sessionDepsNow, ended);
  };

  readonly #runTcpSession = (session: TcpSession, ended: () => void): void => {
    session.start(this.#tcpSessionDepsNow, ended);
  };
}
