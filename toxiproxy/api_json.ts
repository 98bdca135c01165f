/**
 * What the API sends back, byte for byte as Toxiproxy 2.12 does: proxy and
 * toxic JSON in its key order, its `text/plain` error shape, and the small
 * response helpers every route uses.
 * @module
 */

import { goString } from "./go_json.ts";
import { ApiError } from "./registry.ts";
import type { TcpProxy } from "./tcp_proxy.ts";
import type { ToxicConfig } from "./toxic_config.ts";

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

/** A JSON body with `application/json`. */
export function json(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "application/json" } });
}

/** No body, no content type (204, 405, 503). */
export function empty(status: number): Response {
  return new Response(null, { status });
}

/** Go's `http.Error`: text/plain, nosniff, the message plus a newline. */
export function textError(message: string, status: number): Response {
  return new Response(`${message}\n`, {
    status,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "x-content-type-options": "nosniff",
    },
  });
}

/** Toxiproxy's error shape: a JSON body sent as text/plain. */
export function apiError(error: ApiError): Response {
  return textError(`{"error":${goString(error.message)},"status":${error.status}}`, error.status);
}

/** Any failure as an API error: ApiErrors keep their status, the rest are 500. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(500, String((error as Error)?.message ?? error), { cause: error });
}
