/**
 * The sidecar assembled: shared dependencies with production defaults,
 * the supervisor, and a handle to stop it.
 * @module
 */

import { DecisionLog } from "../balancer/decisions.ts";
import { type Clock, systemClock } from "../clock.ts";
import { parseHostPort } from "../config/address.ts";
import type { Config } from "../config/types.ts";
import { nameServerResolver, type Resolver, systemResolver } from "../discovery/resolve.ts";
import { type Logger, silentLogger } from "../log/logger.ts";
import { BufferPool } from "../proxy/buffer_pool.ts";
import { denoDialer, type Dialer } from "../proxy/dial.ts";
import { type ShutdownResult, Supervisor } from "./supervisor.ts";

/** Replaceable parts, for embedding and tests. */
export interface SidecarOptions {
  /** @default a logger that drops everything */
  readonly log?: Logger;
  /** @default the system clock */
  readonly clock?: Clock;
  /** @default the config's resolver.nameServer, else the system resolver (getaddrinfo) */
  readonly resolver?: Resolver;
  /** @default Math.random */
  readonly rng?: () => number;
  /** @default Deno.connect */
  readonly dialer?: Dialer;
}

/** A frontend as the handle shows it. */
export interface FrontendInfo {
  readonly name: string;
  /** The bound address, with the real port when 0 was configured. */
  readonly address: string;
}

/** A running sidecar. Disposing it shuts down without a grace period. */
export interface Sidecar extends AsyncDisposable {
  readonly frontends: readonly FrontendInfo[];
  /** The supervisor, for diagnostics and reload. */
  readonly supervisor: Supervisor;
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
  const supervisor = await Supervisor.start(config, {
    log: options.log ?? silentLogger,
    clock: options.clock ?? systemClock,
    resolver: options.resolver ?? resolverFor(config),
    dialer: options.dialer ?? denoDialer,
    buffers: new BufferPool(),
    decisions: new DecisionLog(),
    rng: options.rng ?? Math.random,
  });
  let stopping: Promise<ShutdownResult> | undefined;
  const shutdown = (opts: { graceMs?: number; force?: AbortSignal } = {}) => {
    stopping ??= supervisor.shutdown(opts.graceMs ?? config.gracePeriodMs, opts.force);
    return stopping;
  };
  return {
    frontends: supervisor.frontends.map((f) => ({ name: f.config.name, address: f.address })),
    supervisor,
    shutdown,
    async [Symbol.asyncDispose]() {
      await shutdown({ graceMs: 0 });
    },
  };
}

/** The resolver a config asks for: its name server, or the system's. */
export function resolverFor(config: Config): Resolver {
  const server = config.resolver.nameServer;
  return server === ""
    ? systemResolver
    : nameServerResolver(parseHostPort(server) as { hostname: string; port: number });
}
