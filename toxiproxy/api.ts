/**
 * The Toxiproxy 2.12 HTTP API as a `(Request) => Promise<Response>` over a
 * proxy registry: one routing table (method + path → handler), and around
 * it what every matched route shares — the `Mozilla/` user-agent refusal,
 * the 25 s handler limit, the request id, and errors in Toxiproxy's shape.
 * @module
 */

import {
  badBody,
  decodePopulate,
  decodeProxy,
  decodeToxic,
  decodeToxicPatch,
  MAX_BODY_BYTES,
  readJson,
} from "./api_bodies.ts";
import { apiError, asApiError, empty, json, proxyJson, textError, toxicJson } from "./api_json.ts";
import { goString, type JsonValue } from "./go_json.ts";
import type { Metrics } from "./metrics.ts";
import { ApiError, type ProxyInput, type ProxyRegistry } from "./registry.ts";
import { cleanPath, createRouter, type Route, type RouteParams } from "./router.ts";
import type { TcpProxy } from "./tcp_proxy.ts";

export { proxyJson, toxicJson };

/** The Toxiproxy release this server answers as. */
export const TOXIPROXY_VERSION = "2.12.0";

/** Options for {@linkcode createApiHandler}. */
export interface ApiHandlerOptions {
  /** The proxies the API works on. */
  readonly registry: ProxyRegistry;
  /** The /metrics collectors; the route exists only when one is on. */
  readonly metrics: Metrics;
  /** Makes `X-Toxiproxy-Request-Id` values. */
  readonly requestId: () => string;
  /** The version /version reports. @default {"2.12.0"} */
  readonly version?: string;
  /** A handler running longer answers 503, like Toxiproxy. @default {25000} */
  readonly handlerTimeoutMs?: number;
  /** The largest request body read; a larger one answers 413. @default {1048576} */
  readonly maxBodyBytes?: number;
  /** Memory figures for the runtime metrics. @default {zeros} */
  readonly memory?: () => { rss: number; heapUsed: number };
}

/** A route's handler: the request and its path placeholders. */
export type ApiHandler = (request: Request, params: RouteParams) => Promise<Response>;

/** Every method Go's router lets through to /metrics. */
const ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/** The routing table of the API: Toxiproxy's endpoints, in its order. */
export function apiRoutes(options: ApiHandlerOptions): Route<ApiHandler>[] {
  const { registry, metrics } = options;
  const version = options.version ?? TOXIPROXY_VERSION;
  const memory = options.memory ?? (() => ({ rss: 0, heapUsed: 0 }));
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const read = (request: Request) => readJson(request, limit);

  const listProxies: ApiHandler = () => {
    const entries = registry.list().map((p) => `${goString(p.name)}:${proxyJson(p)}`);
    return Promise.resolve(json(`{${entries.join(",")}}`));
  };
  const createProxy: ApiHandler = async (request) => {
    const input = decodeProxyBody(await read(request));
    return json(proxyJson(await registry.create(input)), 201);
  };
  const populate: ApiHandler = async (request) => {
    try {
      const items = decodePopulate(await read(request));
      const result = await registry.populate(items);
      return populateAnswer(result.proxies, result.error);
    } catch (cause) {
      if (cause instanceof ApiError) return populateAnswer(null, cause);
      throw cause;
    }
  };
  const reset: ApiHandler = async () => {
    await registry.reset();
    return empty(204);
  };
  const showVersion: ApiHandler = () =>
    Promise.resolve(
      new Response(`{"version": ${goString(version)}}\n`, {
        headers: { "content-type": "application/json;charset=utf-8" },
      }),
    );
  const showMetrics: ApiHandler = (request) =>
    Promise.resolve(
      new Response(request.method === "HEAD" ? null : metrics.render(memory()), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
      }),
    );
  const getProxy: ApiHandler = (_, { proxy }) =>
    Promise.resolve(json(proxyJson(registry.get(proxy!))));
  const updateProxy: ApiHandler = async (request, { proxy }) => {
    registry.get(proxy!);
    const input = decodeProxyBody(await read(request));
    return json(proxyJson(await registry.update(proxy!, input)));
  };
  const deleteProxy: ApiHandler = async (_, { proxy }) => {
    await registry.delete(proxy!);
    return empty(204);
  };
  const listToxics: ApiHandler = (_, { proxy }) =>
    Promise.resolve(json(`[${registry.get(proxy!).toxics().map(toxicJson).join(",")}]`));
  const createToxic: ApiHandler = async (request, { proxy }) => {
    const target = registry.get(proxy!);
    const input = decodeToxic(await read(request));
    return json(toxicJson(await registry.addToxic(target, input)));
  };
  const getToxic: ApiHandler = (_, { proxy, toxic }) => {
    const found = registry.get(proxy!).getToxic(toxic!);
    if (found === undefined) throw new ApiError(404, "toxic not found");
    return Promise.resolve(json(toxicJson(found)));
  };
  const updateToxic: ApiHandler = async (request, { proxy, toxic }) => {
    const target = registry.get(proxy!);
    if (target.getToxic(toxic!) === undefined) throw new ApiError(404, "toxic not found");
    const patch = decodeToxicPatch(await read(request));
    return json(toxicJson(await registry.updateToxic(target, toxic!, patch)));
  };
  const deleteToxic: ApiHandler = async (_, { proxy, toxic }) => {
    await registry.removeToxic(registry.get(proxy!), toxic!);
    return empty(204);
  };

  return [
    { methods: ["GET"], path: "/proxies", handler: listProxies },
    { methods: ["POST"], path: "/proxies", handler: createProxy },
    { methods: ["POST"], path: "/populate", handler: populate },
    { methods: ["GET"], path: "/proxies/{proxy}", handler: getProxy },
    { methods: ["POST", "PATCH"], path: "/proxies/{proxy}", handler: updateProxy },
    { methods: ["DELETE"], path: "/proxies/{proxy}", handler: deleteProxy },
    { methods: ["GET"], path: "/proxies/{proxy}/toxics", handler: listToxics },
    { methods: ["POST"], path: "/proxies/{proxy}/toxics", handler: createToxic },
    { methods: ["GET"], path: "/proxies/{proxy}/toxics/{toxic}", handler: getToxic },
    { methods: ["POST", "PATCH"], path: "/proxies/{proxy}/toxics/{toxic}", handler: updateToxic },
    { methods: ["DELETE"], path: "/proxies/{proxy}/toxics/{toxic}", handler: deleteToxic },
    { methods: ["GET"], path: "/version", handler: showVersion },
    { methods: ["POST"], path: "/reset", handler: reset },
    ...(metrics.enabled ? [{ methods: ANY_METHOD, path: "/metrics", handler: showMetrics }] : []),
  ];
}

function decodeProxyBody(body: JsonValue): ProxyInput {
  try {
    return decodeProxy(body);
  } catch (cause) {
    throw badBody(cause);
  }
}

/** Populate answers in its own shape, JSON even on error: `{error?, status?, proxies}`. */
function populateAnswer(proxies: readonly TcpProxy[] | null, error?: ApiError): Response {
  const list = proxies === null || proxies.length === 0
    ? "null"
    : `[${proxies.map(proxyJson).join(",")}]`;
  const head = error === undefined
    ? ""
    : `"error":${goString(error.message)},"status":${error.status},`;
  return json(`{${head}"proxies":${list}}`, error?.status ?? 201);
}

/**
 * The Toxiproxy HTTP API as a `(Request) => Promise<Response>` over a
 * registry: routes, status codes, JSON shapes and error texts of Toxiproxy
 * 2.12. It never throws: an unexpected failure answers 500.
 */
export function createApiHandler(
  options: ApiHandlerOptions,
): (request: Request) => Promise<Response> {
  const router = createRouter(apiRoutes(options));
  const timeoutMs = options.handlerTimeoutMs ?? 25_000;

  async function withTimeout(run: () => Promise<Response>): Promise<Response> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<Response>((resolve) => {
      timer = setTimeout(() => resolve(empty(503)), timeoutMs);
    });
    try {
      return await Promise.race([run(), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  return async (request) => {
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(request.url).pathname);
    } catch {
      return textError("404 page not found", 404);
    }
    const canonical = cleanPath(pathname);
    if (canonical !== pathname) {
      // gorilla/mux redirects a path with `//` or dot segments to its clean form, before routing.
      const url = new URL(request.url);
      url.pathname = canonical;
      return new Response(null, { status: 301, headers: { location: url.pathname + url.search } });
    }
    const match = router(request.method, pathname);
    if (match.kind === "not found") return textError("404 page not found", 404);
    if (match.kind === "method not allowed") return empty(405);
    let response: Response;
    if ((request.headers.get("user-agent") ?? "").startsWith("Mozilla/")) {
      response = textError("User agent not allowed", 403);
    } else {
      response = await withTimeout(async () => {
        try {
          return await match.handler(request, match.params);
        } catch (error) {
          return apiError(asApiError(error));
        }
      });
    }
    response.headers.set("x-toxiproxy-request-id", options.requestId());
    return response;
  };
}
