/**
 * The sidecar assembled: shared dependencies with production defaults,
 * the supervisor, and a handle to reconfigure and stop it.
 * @module
 */

import { DecisionLog } from "../balancer/mod.ts";
import { type Config, parseHostPort } from "../config/mod.ts";
import {
  nameServerResolver,
  type Resolver,
  SwitchableResolver,
  systemResolver,
} from "../discovery/mod.ts";
import {
  createDiagHandler,
  createDiagSource,
  createHealthHandler,
  DiagEndpoint,
} from "../diag/mod.ts";
import { type Logger, silentLogger } from "../log/mod.ts";
import { FdHeadroom, readFdSoftLimit, type TcpDialer, tcpDialer } from "../net/mod.ts";
import { BufferPool, denoDialer, type Dialer, ListenError } from "../proxy/mod.ts";
import { type Scheduler, systemScheduler } from "../scheduler.ts";
import { reportFdHeadroom } from "./fd_report.ts";
import type { ReloadStatus } from "./reload.ts";
import { type ApplyResult, type ShutdownResult, Supervisor } from "./supervisor.ts";

/** Replaceable parts, for embedding and tests. */
export interface SidecarOptions {
  /** @default a logger that drops everything */
  readonly log?: Logger;
  /** Time and timers. @default the system clock and timers */
  readonly scheduler?: Scheduler;
  /** @default the config's resolver.nameServer, else the system resolver (getaddrinfo) */
  readonly resolver?: Resolver;
  /** Health and latency probes' dialer. @default Deno.connect */
  readonly dialer?: Dialer;
  /** Sessions' dialer (the tcp data path, on stream handles). @default `tcpDialer` */
  readonly sessionDialer?: TcpDialer;
  /** @default Math.random */
  readonly rng?: () => number;
  /** Reported by diagnostics. @default "dev" */
  readonly version?: string;
  /** The config as the user wrote it, so diagnostics can tell defaults apart. @default none */
  readonly configInput?: unknown;
  /** The reloader's state, for diagnostics. @default none */
  readonly reloadStatus?: () => ReloadStatus | undefined;
  /**
   * The soft file descriptor limit. @default read from /proc/self/limits when
   * permitted, else learned from the first EMFILE
   */
  readonly fdLimit?: number;
}

/** A frontend as the handle shows it. */
export interface FrontendInfo {
  readonly name: string;
  /** The bound address, with the real port when 0 was configured. */
  readonly address: string;
}

/** A running sidecar. Disposing it shuts down without a grace period. */
export interface Sidecar extends AsyncDisposable {
  /** The frontends now running. */
  readonly frontends: readonly FrontendInfo[];
  /** The config now running. */
  readonly config: Config;
  /** Recent decisions (failover, spill, failback, drain, reload …). */
  readonly decisions: DecisionLog;
  /** The diagnostics server's bound address, when `diagAddr` is set. */
  readonly diagAddress: string | undefined;
  /** The health server's bound address, when `healthAddr` is set. */
  readonly healthAddress: string | undefined;
  /** Diagnostics as a function, with or without a server. */
  readonly diagHandler: (request: Request) => Response;
  /**
   * Reconciles to a new validated config (`input`: as the user wrote it);
   * throws (changing nothing) when a new frontend cannot bind.
   */
  apply(config: Config, input?: unknown): Promise<ApplyResult>;
  /**
   * Stops accepting, lets sessions finish for `graceMs` (default: the
   * config's gracePeriod) or until `force` aborts, then closes the rest.
   */
  shutdown(options?: { graceMs?: number; force?: AbortSignal }): Promise<ShutdownResult>;
}

/** Starts every frontend of a validated config. */
export async function launchSidecar(
  config: Config,
  options: SidecarOptions = {},
): Promise<Sidecar> {
  const scheduler = options.scheduler ?? systemScheduler;
  const decisions = new DecisionLog();
  const log = options.log ?? silentLogger;
  decisions.subscribe(({ kind, frontend, backend, reason }) =>
    log.info("decision", { kind, frontend, backend, reason })
  );
  const buffers = new BufferPool();
  const resolver = new SwitchableResolver(options.resolver ?? resolverFor(config));
  // Two descriptors per session (client and backend), plus what diagnostics hold.
  let socketsInUse = () => 0;
  const fds = new FdHeadroom(options.fdLimit ?? readFdSoftLimit(), () => socketsInUse());
  reportFdHeadroom(config, fds.view(scheduler.now()), log);
  const supervisor = await Supervisor.start(config, {
    log,
    scheduler,
    resolver,
    dialer: options.dialer ?? denoDialer,
    sessionDialer: options.sessionDialer ?? tcpDialer(),
    buffers,
    decisions,
    rng: options.rng ?? Math.random,
    fds,
  });
  let configInput = options.configInput ?? {};
  const diagSource = createDiagSource({
    version: options.version ?? "dev",
    startedAt: scheduler.now(),
    clock: scheduler,
    running: supervisor,
    decisions,
    reloadStatus: options.reloadStatus ?? (() => undefined),
    configInput: () => configInput,
    fds: (now) => fds.view(now),
    listenerStalls: () => diag.stalls(),
  });
  const diagHandler = createDiagHandler(diagSource);
  const diag = new DiagEndpoint(
    { diag: diagHandler, health: createHealthHandler(diagSource) },
    log,
    scheduler,
  );
  socketsInUse = () =>
    supervisor.frontends.reduce((sum, f) => sum + 2 * f.sessionCount, 0) + diag.openConnections;
  try {
    await diag.apply(config);
  } catch (error) {
    await supervisor.shutdown(0);
    await diag[Symbol.asyncDispose]();
    throw new ListenError(`diagnostics: ${(error as Error).message}`, { cause: error });
  }
  let stopping: Promise<ShutdownResult> | undefined;
  const shutdown = (opts: { graceMs?: number; force?: AbortSignal } = {}) => {
    stopping ??= (async () => {
      const result = await supervisor.shutdown(
        opts.graceMs ?? supervisor.config.gracePeriodMs,
        opts.force,
      );
      await diag[Symbol.asyncDispose]();
      return result;
    })();
    return stopping;
  };
  return {
    get frontends() {
      return supervisor.frontends.map((f) => ({ name: f.config.name, address: f.address }));
    },
    get config() {
      return supervisor.config;
    },
    decisions,
    get diagAddress() {
      return diag.address;
    },
    get healthAddress() {
      return diag.healthAddress;
    },
    diagHandler,
    async apply(next: Config, input?: unknown) {
      const previousResolver = resolver.current;
      if (options.resolver === undefined) resolver.current = resolverFor(next);
      try {
        const result = await supervisor.apply(next);
        configInput = input ?? configInput;
        await diag.apply(next).catch((error) =>
          log.error("diagnostics: cannot listen on the new address", {
            error: (error as Error).message,
          })
        );
        decisions.record({
          at: scheduler.now(),
          kind: "reload",
          frontend: "*",
          reason:
            `generation ${supervisor.generation}: added ${result.added.length}, removed ${result.removed.length}, kept ${result.kept.length} frontend(s)`,
        });
        return result;
      } catch (error) {
        resolver.current = previousResolver;
        throw error;
      }
    },
    shutdown,
    async [Symbol.asyncDispose]() {
      await shutdown({ graceMs: 0 });
    },
  };
}

/** The resolver a config asks for: its name server, or the system's. */
export function resolverFor(config: Config): Resolver {
  const server = config.resolver.nameServer;
  if (server === "") return systemResolver;
  return nameServerResolver(parseHostPort(server) as { hostname: string; port: number });
}
