/**
 * The Toxiproxy 2.12 HTTP API as a `(Request) => Promise<Response>` over a
 * proxy registry: routes, status codes, JSON shapes and error texts.
 * @module
 */

import {
  boolField,
  fieldsOf,
  float32Field,
  goString,
  intField,
  JsonError,
  type JsonValue,
  parseFirstValue,
  stringField,
} from "./go_json.ts";
import type { Metrics } from "./metrics.ts";
import { ApiError, type ProxyInput, type ProxyRegistry, type ToxicPatch } from "./registry.ts";
import type { ToxicType } from "./stage.ts";
import type { TcpProxy } from "./tcp_proxy.ts";
import type { ToxicConfig } from "./toxic_config.ts";

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
  /** Memory figures for the runtime metrics. @default {zeros} */
  readonly memory?: () => { rss: number; heapUsed: number };
}

type Handler = (request: Request, params: readonly string[]) => Promise<Response>;
type RouteName =
  | "proxies"
  | "populate"
  | "reset"
  | "version"
  | "metrics"
  | "proxy"
  | "toxics"
  | "toxic";

/** Proxy JSON, keys in Toxiproxy's order (with its `"Logger":{}` leftover). */
export function proxyJson(proxy: TcpProxy): string {
  return `{"name":${goString(proxy.name)},"listen":${goString(proxy.listen)},"upstream":${
    goString(proxy.upstream)
  },"enabled":${proxy.enabled},"Logger":{},"toxics":[${proxy.toxics().map(toxicJson).join(",")}]}`;
}

/** Toxic JSON, keys in Toxiproxy's order, every attribute of the type present. */
export function toxicJson(toxic: ToxicConfig): string {
  const attributes = toxic.type.attributeNames
    .map((name) => `${goString(name)}:${toxic.attributes[name] ?? 0}`)
    .join(",");
  return `{"attributes":{${attributes}},"name":${goString(toxic.name)},"type":${
    goString(toxic.type.name)
  },"stream":${goString(toxic.stream)},"toxicity":${JSON.stringify(toxic.toxicity)}}`;
}

function json(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "application/json" } });
}

function empty(status: number): Response {
  return new Response(null, { status });
}

/** Go's `http.Error`: text/plain, nosniff, the message plus a newline. */
function textError(message: string, status: number): Response {
  return new Response(`${message}\n`, {
    status,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "x-content-type-options": "nosniff",
    },
  });
}

/** Toxiproxy's error shape: a JSON body sent as text/plain. */
function apiError(error: ApiError): Response {
  return textError(`{"error":${goString(error.message)},"status":${error.status}}`, error.status);
}

async function readJson(request: Request): Promise<JsonValue> {
  let text: string;
  try {
    text = await request.text();
  } catch (cause) {
    throw new ApiError(400, "bad request body: unexpected EOF", { cause });
  }
  try {
    return parseFirstValue(text);
  } catch (cause) {
    throw new ApiError(400, `bad request body: ${(cause as Error).message}`, { cause });
  }
}

function badBody(cause: unknown): ApiError {
  return new ApiError(400, `bad request body: ${(cause as Error).message}`, { cause });
}

function decodeProxy(value: JsonValue, goType: string): ProxyInput {
  if (value.kind === "null") return {};
  if (value.kind !== "object") {
    throw new JsonError(`json: cannot unmarshal ${value.kind} into Go value of type ${goType}`);
  }
  const get = fieldsOf(value);
  return {
    name: stringField(get, "name", "Proxy"),
    listen: stringField(get, "listen", "Proxy"),
    upstream: stringField(get, "upstream", "Proxy"),
    enabled: boolField(get, "enabled", "Proxy"),
  };
}

/** A decoder for the `attributes` of a body, run once the type is known. */
function attributesDecoder(
  value: JsonValue | undefined,
): (type: ToxicType) => Record<string, number> {
  return (type) => {
    if (value === undefined || value.kind === "null") return {};
    const goType = `toxics.${type.name}`;
    try {
      if (value.kind !== "object") {
        throw new JsonError(
          `json: cannot unmarshal ${value.kind} into Go struct field .attributes of type ${goType}`,
        );
      }
      const get = fieldsOf(value);
      const out: Record<string, number> = {};
      for (const name of type.attributeNames) {
        const n = intField(get, name, ".attributes");
        if (n !== undefined) out[name] = n;
      }
      return out;
    } catch (cause) {
      throw badBody(cause);
    }
  };
}

/**
 * The Toxiproxy HTTP API as a `(Request) => Promise<Response>` over a
 * registry: routes, status codes, JSON shapes and error texts of Toxiproxy
 * 2.12. It never throws: an unexpected failure answers 500.
 */
export function createApiHandler(
  options: ApiHandlerOptions,
): (request: Request) => Promise<Response> {
  const { registry, metrics, requestId } = options;
  const version = options.version ?? TOXIPROXY_VERSION;
  const timeoutMs = options.handlerTimeoutMs ?? 25_000;
  const memory = options.memory ?? (() => ({ rss: 0, heapUsed: 0 }));

  const routes: Record<RouteName, Readonly<Record<string, Handler>>> = {
    proxies: {
      GET: () => {
        const entries = registry.list().map((p) => `${goString(p.name)}:${proxyJson(p)}`);
        return Promise.resolve(json(`{${entries.join(",")}}`));
      },
      POST: async (request) => {
        const body = await readJson(request);
        let input: ProxyInput;
        try {
          input = decodeProxy(body, "toxiproxy.Proxy");
        } catch (cause) {
          throw badBody(cause);
        }
        return json(proxyJson(await registry.create(input)), 201);
      },
    },
    populate: { POST: (request) => populate(request) },
    reset: {
      POST: async () => {
        await registry.reset();
        return empty(204);
      },
    },
    version: {
      GET: () =>
        Promise.resolve(
          new Response(`{"version": ${goString(version)}}\n`, {
            headers: { "content-type": "application/json;charset=utf-8" },
          }),
        ),
    },
    metrics: Object.fromEntries(
      ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].map((m) => [
        m,
        () =>
          Promise.resolve(
            new Response(m === "HEAD" ? null : metrics.render(memory()), {
              headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
            }),
          ),
      ]),
    ),
    proxy: {
      GET: (_, [name]) => Promise.resolve(json(proxyJson(registry.get(name!)))),
      POST: (request, params) => updateProxy(request, params),
      PATCH: (request, params) => updateProxy(request, params),
      DELETE: async (_, [name]) => {
        await registry.delete(name!);
        return empty(204);
      },
    },
    toxics: {
      GET: (_, [name]) =>
        Promise.resolve(json(`[${registry.get(name!).toxics().map(toxicJson).join(",")}]`)),
      POST: async (request, [name]) => {
        const proxy = registry.get(name!);
        const body = await readJson(request);
        let get: (key: string) => JsonValue | undefined;
        let fields;
        try {
          if (body.kind !== "object" && body.kind !== "null") {
            throw new JsonError(
              `json: cannot unmarshal ${body.kind} into Go value of type toxics.ToxicWrapper`,
            );
          }
          get = fieldsOf(body);
          fields = {
            name: stringField(get, "name", "ToxicWrapper"),
            type: stringField(get, "type", "ToxicWrapper"),
            stream: stringField(get, "stream", "ToxicWrapper"),
            toxicity: float32Field(get, "toxicity", "ToxicWrapper"),
          };
        } catch (cause) {
          throw badBody(cause);
        }
        const toxic = await registry.addToxic(proxy, {
          ...fields,
          attributes: attributesDecoder(get("attributes")),
        });
        return json(toxicJson(toxic));
      },
    },
    toxic: {
      GET: (_, [name, toxicName]) => {
        const toxic = registry.get(name!).getToxic(toxicName!);
        if (toxic === undefined) throw new ApiError(404, "toxic not found");
        return Promise.resolve(json(toxicJson(toxic)));
      },
      POST: (request, params) => updateToxic(request, params),
      PATCH: (request, params) => updateToxic(request, params),
      DELETE: async (_, [name, toxicName]) => {
        await registry.removeToxic(registry.get(name!), toxicName!);
        return empty(204);
      },
    },
  };

  async function updateProxy(request: Request, [name]: readonly string[]): Promise<Response> {
    registry.get(name!);
    const body = await readJson(request);
    let input: ProxyInput;
    try {
      input = decodeProxy(body, "toxiproxy.Proxy");
    } catch (cause) {
      throw badBody(cause);
    }
    return json(proxyJson(await registry.update(name!, input)));
  }

  async function updateToxic(request: Request, [name, toxicName]: readonly string[]) {
    const proxy = registry.get(name!);
    if (proxy.getToxic(toxicName!) === undefined) throw new ApiError(404, "toxic not found");
    const body = await readJson(request);
    let patch: ToxicPatch;
    try {
      if (body.kind !== "object" && body.kind !== "null") {
        throw new JsonError(
          `json: cannot unmarshal ${body.kind} into Go value of type toxics.ToxicWrapper`,
        );
      }
      const get = fieldsOf(body);
      // Name, type and stream are ignored, but must still have the right types.
      for (const key of ["name", "type", "stream"]) stringField(get, key, "ToxicWrapper");
      const decode = attributesDecoder(get("attributes"));
      patch = { toxicity: float32Field(get, "toxicity", "ToxicWrapper"), attributes: decode };
    } catch (cause) {
      throw badBody(cause);
    }
    return json(toxicJson(await registry.updateToxic(proxy, toxicName!, patch)));
  }

  async function populate(request: Request): Promise<Response> {
    const respond = (proxies: readonly TcpProxy[] | null, error?: ApiError) => {
      const list = proxies === null || proxies.length === 0
        ? "null"
        : `[${proxies.map(proxyJson).join(",")}]`;
      const head = error === undefined
        ? ""
        : `"error":${goString(error.message)},"status":${error.status},`;
      return json(`{${head}"proxies":${list}}`, error?.status ?? 201);
    };
    let items: ProxyInput[];
    try {
      const body = await readJson(request);
      if (body.kind === "null") {
        items = [];
      } else if (body.kind !== "array") {
        throw badBody(
          new JsonError(
            `json: cannot unmarshal ${body.kind} into Go value of type []toxiproxy.Proxy`,
          ),
        );
      } else {
        try {
          items = body.items.map((item) => decodeProxy(item, "toxiproxy.Proxy"));
        } catch (cause) {
          throw badBody(cause);
        }
      }
      const result = await registry.populate(items);
      return respond(result.proxies, result.error);
    } catch (cause) {
      if (cause instanceof ApiError) return respond(null, cause);
      throw cause;
    }
  }

  function route(pathname: string): [RouteName, string[]] | undefined {
    const parts = pathname.split("/");
    if (parts[0] !== "" || parts.slice(2).some((p) => p === "")) return undefined;
    const [, first, name, third, toxicName] = parts;
    if (parts.length === 2) {
      if (first === "proxies" || first === "populate" || first === "reset" || first === "version") {
        return [first, []];
      }
      if (first === "metrics" && metrics.enabled) return ["metrics", []];
      return undefined;
    }
    if (first !== "proxies" || name === undefined) return undefined;
    if (parts.length === 3) return ["proxy", [name]];
    if (third !== "toxics") return undefined;
    if (parts.length === 4) return ["toxics", [name]];
    if (parts.length === 5) return ["toxic", [name, toxicName!]];
    return undefined;
  }

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
    const matched = route(pathname);
    if (matched === undefined) return textError("404 page not found", 404);
    const [name, params] = matched;
    const handler = routes[name][request.method];
    if (handler === undefined) return empty(405);
    let response: Response;
    if ((request.headers.get("user-agent") ?? "").startsWith("Mozilla/")) {
      response = textError("User agent not allowed", 403);
    } else {
      response = await withTimeout(async () => {
        try {
          return await handler(request, params);
        } catch (error) {
          if (error instanceof ApiError) return apiError(error);
          return apiError(new ApiError(500, String((error as Error)?.message ?? error)));
        }
      });
    }
    response.headers.set("x-toxiproxy-request-id", requestId());
    return response;
  };
}
