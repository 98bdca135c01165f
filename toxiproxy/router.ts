/**
 * A declarative routing table: method + path pattern → handler, matched the
 * way Toxiproxy's gorilla/mux routes match. A pattern is a path of literal
 * segments and `{name}` placeholders; a placeholder takes exactly one
 * non-empty segment, so a trailing slash or an empty segment matches no
 * route. Pure: no I/O, tested on its own.
 * @module
 */

/** One row of a routing table. */
export interface Route<H> {
  /** The methods this row answers, e.g. `["POST", "PATCH"]`. */
  readonly methods: readonly string[];
  /** The path pattern, e.g. `/proxies/{proxy}/toxics/{toxic}`. */
  readonly path: string;
  /** What runs for a matching request. */
  readonly handler: H;
}

/** Path parameters by placeholder name. */
export type RouteParams = Readonly<Record<string, string>>;

/**
 * The canonical form of a path, as gorilla/mux computes it before routing:
 * Go's `path.Clean` (no `//`, `.` or `..` segments), keeping a trailing
 * slash. A request whose path is not canonical is redirected to this one.
 */
export function cleanPath(path: string): string {
  if (path === "") return "/";
  const rooted = path.startsWith("/") ? path : `/${path}`;
  const out: string[] = [];
  for (const segment of rooted.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  const clean = `/${out.join("/")}`;
  return rooted.endsWith("/") && clean !== "/" ? `${clean}/` : clean;
}

/** What a request found in the table. */
export type RouteMatch<H> =
  | { readonly kind: "found"; readonly handler: H; readonly params: RouteParams }
  /** The path matched a row, but none for this method (Toxiproxy: 405). */
  | { readonly kind: "method not allowed" }
  /** No row has this path (Toxiproxy: 404). */
  | { readonly kind: "not found" };

/** A compiled table: call it with a method and a decoded pathname. */
export type Router<H> = (method: string, pathname: string) => RouteMatch<H>;

type Segment = { readonly literal: string } | { readonly param: string };

/**
 * Compiles `routes`; throws a TypeError naming the row for a pattern that
 * does not start with `/`, has an empty segment or repeats a placeholder.
 */
export function createRouter<H>(routes: readonly Route<H>[]): Router<H> {
  const compiled = routes.map((route, index) => ({
    route,
    segments: compilePattern(route.path, index),
  }));
  return (method, pathname) => {
    const parts = pathname.split("/");
    if (parts[0] !== "") return { kind: "not found" };
    const segments = parts.slice(1);
    let pathMatched = false;
    for (const { route, segments: pattern } of compiled) {
      const params = matchSegments(pattern, segments);
      if (params === undefined) continue;
      if (route.methods.includes(method)) return { kind: "found", handler: route.handler, params };
      pathMatched = true;
    }
    return pathMatched ? { kind: "method not allowed" } : { kind: "not found" };
  };
}

function compilePattern(path: string, index: number): Segment[] {
  const where = `route ${index} (${JSON.stringify(path)})`;
  if (!path.startsWith("/")) throw new TypeError(`${where}: a pattern must start with "/"`);
  const seen = new Set<string>();
  return path.slice(1).split("/").map((part) => {
    if (part === "") throw new TypeError(`${where}: empty path segment`);
    const param = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(part)?.[1];
    if (param === undefined) return { literal: part };
    if (seen.has(param)) throw new TypeError(`${where}: placeholder {${param}} appears twice`);
    seen.add(param);
    return { param };
  });
}

function matchSegments(
  pattern: readonly Segment[],
  segments: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const got = segments[i]!;
    if ("literal" in want) {
      if (want.literal !== got) return undefined;
    } else {
      if (got === "") return undefined;
      params[want.param] = got;
    }
  }
  return params;
}
