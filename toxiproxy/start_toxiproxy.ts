/**
 * Starts the Toxiproxy HTTP API on a socket (`Deno.serve`) in front of the
 * app, and closes both together.
 * @module
 */

import { createToxiproxyApp } from "./app.ts";
import type { Log } from "./log.ts";

/** Options for {@linkcode startToxiproxy}. */
export interface StartToxiproxyOptions {
  /** Where the API listens; `localhost` means 127.0.0.1 only, as in Go. @default {"127.0.0.1"} */
  readonly hostname?: string;
  /** The API port; 0 picks a free one. @default {8474} */
  readonly port?: number;
  /** Proxy byte counters on /metrics (`-proxy-metrics`). @default {false} */
  readonly metrics?: boolean;
  /** Runtime gauges and `go_build_info` on /metrics (`-runtime-metrics`). @default {false} */
  readonly runtimeMetrics?: boolean;
  /** A number in [0, 1) for toxicity, jitter and slicer draws (`-seed`). @default {Math.random} */
  readonly random?: () => number;
  /** Where proxy events go, as Toxiproxy logs them. @default {no logging} */
  readonly log?: Log;
  /** Aborting it closes the server. */
  readonly signal?: AbortSignal;
}

/** A running Toxiproxy-compatible server. */
export interface ToxiproxyServer extends AsyncDisposable {
  /** The API base URL, e.g. `http://127.0.0.1:8474`. */
  readonly url: string;
  /** The address the API is bound to. */
  readonly hostname: string;
  /** The port the API is bound to. */
  readonly port: number;
  /** The API as a function, to call it without a socket. */
  readonly handler: (request: Request) => Promise<Response>;
  /** Resolves once the server is closed. */
  readonly finished: Promise<void>;
  /** Stops the API and every proxy with its connections; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the Toxiproxy HTTP API and returns once it listens.
 *
 * @example
 * ```ts
 * await using toxiproxy = await startToxiproxy({ port: 0 });
 * await fetch(`${toxiproxy.url}/proxies`);
 * ```
 */
export async function startToxiproxy(
  options: StartToxiproxyOptions = {},
): Promise<ToxiproxyServer> {
  const { signal } = options;
  signal?.throwIfAborted();
  const app = createToxiproxyApp({
    proxyMetrics: options.metrics ?? false,
    runtimeMetrics: options.runtimeMetrics ?? false,
    ...(options.random === undefined ? {} : { random: options.random }),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  const requested = options.hostname ?? "127.0.0.1";
  const hostname = requested === "localhost" ? "127.0.0.1" : requested;
  const listening = Promise.withResolvers<Deno.NetAddr>();
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname,
      port: options.port ?? 8474,
      onListen: (addr) => listening.resolve(addr),
      onError: () => new Response(null, { status: 500 }),
    }, app.handler);
  } catch (error) {
    await app.close();
    throw error;
  }
  const addr = await listening.promise;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      signal?.removeEventListener("abort", onAbort);
      await server.shutdown();
      await app.close();
    })();
    return closing;
  };
  const onAbort = () => void close();
  signal?.addEventListener("abort", onAbort, { once: true });
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  return {
    url: `http://${host}:${addr.port}`,
    hostname: addr.hostname,
    port: addr.port,
    handler: app.handler,
    finished: server.finished.then(() => closing),
    close,
    [Symbol.asyncDispose]: close,
  };
}
