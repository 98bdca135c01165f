/**
 * The Host header allowlist that keeps DNS rebinding out: a web page on
 * `evil.example` that re-points its name at 127.0.0.1 can make the browser
 * talk to the diagnostics, but the browser still sends `Host: evil.example`.
 * A Host that is an IP literal cannot be rebound, `localhost` is this
 * machine, and any other name must be listed (`diagAllowedHosts`) or be the
 * name the server was bound to.
 * @module
 */

import { isIPLiteral, unbracket } from "../config/mod.ts";

/** The name in a Host header, without port, brackets, trailing dot or case. */
export function hostOfHeader(value: string): string {
  const trimmed = value.trim().toLowerCase();
  const bracketed = /^(\[[^\]]*\])(?::\d*)?$/.exec(trimmed);
  const host = bracketed !== null
    ? unbracket(bracketed[1] as string)
    : trimmed.replace(/:\d*$/, "");
  return host.endsWith(".") ? host.slice(0, -1) : host;
}

/**
 * Whether a request with this Host header may be answered. No header at
 * all (an HTTP/1.0 tool) is allowed: browsers always send one.
 */
export function isAllowedHost(header: string | null, allowedNames: ReadonlySet<string>): boolean {
  if (header === null) return true;
  const host = hostOfHeader(header);
  return isIPLiteral(host) || host === "localhost" || allowedNames.has(host);
}

/** The names allowed besides IP literals and localhost: the configured ones and the bind host. */
export function allowedNames(bindHost: string, configured: readonly string[]): ReadonlySet<string> {
  return new Set([bindHost, ...configured].map(hostOfHeader).filter((name) => name !== ""));
}

/** Wraps `handler` so requests for any other Host get 403 with the fix named. */
export function withHostCheck(
  handler: (request: Request) => Response,
  names: ReadonlySet<string>,
): (request: Request) => Response {
  return (request) => {
    const header = request.headers.get("host");
    if (isAllowedHost(header, names)) return handler(request);
    return new Response(
      `forbidden: Host ${
        JSON.stringify(header)
      } is not a name of this sidecar; add it to diagAllowedHosts\n`,
      { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } },
    );
  };
}
