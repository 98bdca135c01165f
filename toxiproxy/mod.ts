/**
 * A Toxiproxy-compatible fault-injection server: the Toxiproxy 2.12 HTTP API
 * (proxies, toxics, populate, reset, version, metrics) over TCP proxies with
 * latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data and
 * noop toxics. Start it in-process with {@linkcode startToxiproxy}, or run
 * `deno task toxiproxy`. Request bodies are capped at {@linkcode MAX_BODY_BYTES}.
 * {@linkcode startReferenceToxiproxy} starts the real Go server instead, to
 * compare the two.
 *
 * @example
 * ```ts
 * import { startToxiproxy } from "./mod.ts";
 * await using toxiproxy = await startToxiproxy({ hostname: "127.0.0.1", port: 0 });
 * const res = await fetch(`${toxiproxy.url}/version`);
 * ```
 *
 * @module
 */
export {
  startToxiproxy,
  type StartToxiproxyOptions,
  type ToxiproxyServer,
} from "./start_toxiproxy.ts";
export { TOXIPROXY_VERSION } from "./api.ts";
export { MAX_BODY_BYTES } from "./api_bodies.ts";
export { type Log, LOG_LEVELS, type LogLevel } from "./log.ts";
export {
  type ReferenceToxiproxy,
  type ReferenceToxiproxyOptions,
  startReferenceToxiproxy,
} from "./reference_server.ts";
