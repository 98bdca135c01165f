/**
 * The diagnostics HTTP API as a pure `(Request) => Response` over a source
 * of snapshots: `/healthz`, `/readyz`, `/statusz` (JSON, or YAML with
 * `?format=yaml`), `/configz`, `/metrics` and the dashboard at `/`; and
 * the health handler with only the two probes. Every response carries the
 * Content-Security-Policy and refuses to be framed.
 * @module
 */

import { stringify } from "npm:yaml@2.9.1";
import { DASHBOARD_HTML, diagnosticsCsp } from "./dashboard.ts";
import { EXPOSITION_CONTENT_TYPE } from "./exposition.ts";
import type { Status } from "./status.ts";

/** Where the handler gets its data; each call builds a fresh snapshot. */
export interface DiagSource {
  status(): Status;
  metrics(): string;
  /** The effective config in input form and the paths that are defaults. */
  configz(): { readonly config: unknown; readonly defaults: readonly string[] };
  /** The same config as YAML with defaults marked. */
  configzYaml(): string;
}

/** Makes the handler. */
export function createDiagHandler(source: DiagSource): (request: Request) => Response {
  return secured((request) => {
    const url = new URL(request.url);
    const yaml = url.searchParams.get("format") === "yaml";
    switch (url.pathname) {
      case "/":
        return new Response(DASHBOARD_HTML, {
          headers: { "content-type": "text/html; charset=utf-8" },
        });
      case "/healthz":
        return text("OK\n");
      case "/readyz":
        return readiness(source.status());
      case "/statusz": {
        const status = source.status();
        return yaml ? yamlResponse(status) : json(status);
      }
      case "/configz":
        return yaml
          ? new Response(source.configzYaml(), {
            headers: { "content-type": "application/yaml; charset=utf-8" },
          })
          : json(source.configz());
      case "/metrics":
        return new Response(source.metrics(), {
          headers: { "content-type": EXPOSITION_CONTENT_TYPE },
        });
      default:
        return text("not found\n", 404);
    }
  });
}

/**
 * Makes the handler of the health listener: `/healthz` and `/readyz` only,
 * so it can listen where kubelet probes reach (the pod IP) without exposing
 * status, config or metrics there.
 */
export function createHealthHandler(
  source: Pick<DiagSource, "status">,
): (request: Request) => Response {
  return secured((request) => {
    switch (new URL(request.url).pathname) {
      case "/healthz":
        return text("ok\n");
      case "/readyz":
        return readiness(source.status());
      default:
        return text("not found\n", 404);
    }
  });
}

/** GET and HEAD only, and the security headers on every answer. */
function secured(handler: (request: Request) => Response): (request: Request) => Response {
  const csp = diagnosticsCsp();
  return (request) => {
    const response = request.method === "GET" || request.method === "HEAD"
      ? handler(request)
      : new Response("method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
    response.headers.set("content-security-policy", csp);
    response.headers.set("x-frame-options", "DENY");
    response.headers.set("x-content-type-options", "nosniff");
    response.headers.set("referrer-policy", "no-referrer");
    return response;
  };
}

function readiness(status: Status): Response {
  if (status.notReady.length === 0) return text("ready\n");
  return text(`not ready: ${status.notReady.join("; ")}\n`, 503);
}

function text(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

function json(value: unknown): Response {
  return new Response(`${JSON.stringify(value, null, 2)}\n`, {
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

function yamlResponse(value: unknown): Response {
  return new Response(stringify(value, { lineWidth: 0 }), {
    headers: { "content-type": "application/yaml; charset=utf-8" },
  });
}
