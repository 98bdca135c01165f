/**
 * Wires a Toxiproxy without an HTTP listener: the proxy registry, the
 * metrics and the API handler over them.
 * @module
 */

import { createApiHandler, TOXIPROXY_VERSION } from "./api.ts";
import { type Log, silentLog } from "./log.ts";
import { Metrics } from "./metrics.ts";
import { createNodeNetwork, type Network } from "./network.ts";
import { ProxyRegistry } from "./registry.ts";
import { createRequestIdGenerator } from "./request_id.ts";

/** Options for {@linkcode createToxiproxyApp}. */
export interface ToxiproxyAppOptions {
  /** Sockets and lookups. @default {the real network (node:net)} */
  readonly network?: Network;
  /** Count proxy bytes and serve /metrics. @default {false} */
  readonly proxyMetrics?: boolean;
  /** Serve runtime gauges (and `go_build_info`) on /metrics. @default {false} */
  readonly runtimeMetrics?: boolean;
  /** A number in [0, 1), for toxicity, jitter and slicer. @default {Math.random} */
  readonly random?: () => number;
  /** The clock in ms. @default {performance.now} */
  readonly now?: () => number;
  /** The version /version reports. @default {"2.12.0"} */
  readonly version?: string;
  /** A request running longer answers 503. @default {25000} */
  readonly handlerTimeoutMs?: number;
  /** Where proxy events go (started, accepted, terminated). @default {silentLog} */
  readonly log?: Log;
}

/** A Toxiproxy without an HTTP listener: its handler and the proxies behind it. */
export interface ToxiproxyApp {
  /** The HTTP API as a function. */
  readonly handler: (request: Request) => Promise<Response>;
  /** The proxies. */
  readonly registry: ProxyRegistry;
  /** Stops every proxy, closing their listeners and connections. */
  close(): Promise<void>;
}

/** Wires a registry, metrics and the API handler; binds nothing until a proxy is created. */
export function createToxiproxyApp(options: ToxiproxyAppOptions = {}): ToxiproxyApp {
  const metrics = new Metrics({
    proxyMetrics: options.proxyMetrics ?? false,
    runtimeMetrics: options.runtimeMetrics ?? false,
  });
  const registry = new ProxyRegistry({
    network: options.network ?? createNodeNetwork(),
    now: options.now ?? (() => performance.now()),
    random: options.random ?? Math.random,
    log: options.log ?? silentLog,
    onDirectionEnd: (proxy, totals) =>
      metrics.record(
        {
          direction: totals.direction,
          listener: proxy.listen,
          proxy: proxy.name,
          upstream: proxy.upstream,
        },
        totals.received,
        totals.sent,
      ),
  });
  const handler = createApiHandler({
    registry,
    metrics,
    requestId: createRequestIdGenerator(),
    version: options.version ?? TOXIPROXY_VERSION,
    ...(options.handlerTimeoutMs === undefined
      ? {}
      : { handlerTimeoutMs: options.handlerTimeoutMs }),
    memory: () => {
      const { rss, heapUsed } = Deno.memoryUsage();
      return { rss, heapUsed };
    },
  });
  return { handler, registry, close: () => registry.close() };
}
