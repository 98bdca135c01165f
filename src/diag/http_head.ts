/**
 * Parsing an HTTP/1.1 request head (request line and header fields) for the
 * diagnostics' own small server. Strict on purpose: anything unusual is a
 * 400, since the only clients are browsers, curl, Prometheus and probes.
 * @module
 */

/** A parsed request head. */
export interface RequestHead {
  readonly method: string;
  /** The origin-form target, `/path?query`. */
  readonly target: string;
  readonly headers: Headers;
}

/** A head that cannot be served, with the reason for the 400. */
export interface HeadProblem {
  readonly problem: string;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const REQUEST_LINE = /^([^ ]+) ([^ ]+) HTTP\/1\.[01]$/;

/** Where the head ends: the index just past the blank line, or -1 while incomplete. */
export function headEnd(bytes: Uint8Array): number {
  for (let i = 3; i < bytes.length; i++) {
    if (bytes[i] === 10 && bytes[i - 1] === 13 && bytes[i - 2] === 10 && bytes[i - 3] === 13) {
      return i + 1;
    }
  }
  return -1;
}

/** Parses a complete head (request line, fields, blank line) into method, target and headers. */
export function parseRequestHead(head: Uint8Array): RequestHead | HeadProblem {
  const lines = new TextDecoder("latin1").decode(head).split("\r\n");
  const requestLine = REQUEST_LINE.exec(lines[0] ?? "");
  if (requestLine === null) return { problem: "malformed request line" };
  const [, method = "", target = ""] = requestLine;
  if (!TOKEN.test(method)) return { problem: "malformed method" };
  if (!target.startsWith("/")) return { problem: "the target must be a path" };
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    if (colon <= 0 || !TOKEN.test(name)) return { problem: "malformed header field" };
    try {
      headers.append(name, line.slice(colon + 1).trim());
    } catch {
      return { problem: `malformed value of header ${name}` };
    }
  }
  return { method, target, headers };
}
