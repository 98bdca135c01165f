/**
 * The diagnostics' own small HTTP/1.1 server: one request per connection,
 * answered with `connection: close`. Deno.serve is not used because it
 * offers neither a header read timeout (a half-sent request would hold a
 * socket for good) nor a way to survive a failed accept (EMFILE on its
 * listener ended the process). Here accepts go through the same
 * `AcceptLoop` as the frontends, a client must send its whole head within
 * `headerTimeoutMs`, and connections beyond `maxConnections` are closed at
 * once, so diagnostics can never use up the proxy's descriptors.
 * @module
 */

import { formatHostPort } from "../config/mod.ts";
import type { Fields, Logger } from "../log/mod.ts";
import { AcceptLoop, type AcceptStall, closeQuietly, writeAll } from "../net/mod.ts";
import type { Scheduler } from "../scheduler.ts";
import { headEnd, parseRequestHead } from "./http_head.ts";

/** Options for `HttpServer.listen`. */
export interface HttpServerOptions {
  readonly hostname: string;
  readonly port: number;
  readonly handler: (request: Request) => Response | Promise<Response>;
  readonly scheduler: Scheduler;
  readonly log: Logger;
  /** Context for log lines, e.g. `{ server: "diagnostics" }`. */
  readonly logFields?: Fields;
  /** A client must send its whole request head within this. @default 5000 */
  readonly headerTimeoutMs?: number;
  /** A response must be taken within this. @default 10000 */
  readonly writeTimeoutMs?: number;
  /** Connections served at once; further ones are closed at once. @default 64 */
  readonly maxConnections?: number;
  /** The longest request head accepted; a longer one gets 431. @default 16384 */
  readonly maxHeadBytes?: number;
}

const REASONS: Readonly<Record<number, string>> = {
  200: "OK",
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** A listening server. */
export class HttpServer implements AsyncDisposable {
  /** The bound address, `host:port`. */
  readonly address: string;
  readonly #options: HttpServerOptions;
  readonly #loop: AcceptLoop;
  readonly #conns = new Set<Deno.TcpConn>();
  readonly #serving = new Set<Promise<void>>();
  #refused = 0;

  private constructor(listener: Deno.TcpListener, options: HttpServerOptions) {
    this.#options = options;
    const bound = listener.addr;
    this.address = formatHostPort(bound.hostname, bound.port);
    this.#loop = new AcceptLoop(listener, {
      onConnection: (conn) => this.#accept(conn),
      scheduler: options.scheduler,
      log: options.log,
      logFields: { ...options.logFields, address: this.address },
    });
  }

  /** Binds and starts serving; throws when the address cannot be bound. */
  static listen(options: HttpServerOptions): HttpServer {
    const listener = Deno.listen({ hostname: options.hostname, port: options.port });
    return new HttpServer(listener, options);
  }

  /** Set while accepting fails (e.g. out of descriptors). */
  get stall(): AcceptStall | undefined {
    return this.#loop.stall;
  }

  /** Connections open now. */
  get open(): number {
    return this.#conns.size;
  }

  /** Connections closed at once because `maxConnections` were open. */
  get refused(): number {
    return this.#refused;
  }

  /** Stops listening, closes open connections and waits for their handlers. */
  async close(): Promise<void> {
    await this.#loop.close();
    for (const conn of this.#conns) closeQuietly(conn);
    while (this.#serving.size > 0) await Promise.allSettled([...this.#serving]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #accept(conn: Deno.TcpConn): void {
    if (this.#conns.size >= (this.#options.maxConnections ?? 64)) {
      this.#refused++;
      closeQuietly(conn);
      return;
    }
    this.#conns.add(conn);
    const serving = this.#serve(conn).finally(() => {
      this.#conns.delete(conn);
      this.#serving.delete(serving);
      closeQuietly(conn);
    });
    this.#serving.add(serving);
  }

  async #serve(conn: Deno.TcpConn): Promise<void> {
    const { scheduler, headerTimeoutMs = 5000, writeTimeoutMs = 10_000 } = this.#options;
    let cancel = scheduler.after(headerTimeoutMs, () => closeQuietly(conn));
    try {
      const response = await this.#respond(conn);
      cancel();
      cancel = scheduler.after(writeTimeoutMs, () => closeQuietly(conn));
      await writeAll(conn, response);
    } catch {
      // The client went away, was too slow, or the server is closing.
    } finally {
      cancel();
    }
  }

  /** Reads the head and builds the answer's bytes. */
  async #respond(conn: Deno.TcpConn): Promise<Uint8Array> {
    const maxHeadBytes = this.#options.maxHeadBytes ?? 16_384;
    let head: Uint8Array = new Uint8Array(0);
    const chunk = new Uint8Array(4096);
    let end = -1;
    while (end < 0) {
      const count = await conn.read(chunk);
      if (count === null) throw new Error("closed before the request head ended");
      head = concat(head, chunk.subarray(0, count));
      end = headEnd(head);
      if ((end < 0 ? head.length : end) > maxHeadBytes) {
        return await serialize(plain(431, "request head too large\n"), false);
      }
    }
    const parsed = parseRequestHead(head.subarray(0, end));
    if ("problem" in parsed) return await serialize(plain(400, `${parsed.problem}\n`), false);
    // The URL's host is our own address: the Host header stays a header, for the handler to judge.
    const request = new Request(`http://${this.address}${parsed.target}`, {
      method: parsed.method,
      headers: parsed.headers,
    });
    let response: Response;
    try {
      response = await this.#options.handler(request);
    } catch (error) {
      this.#options.log.error("diagnostics request failed", {
        ...this.#options.logFields,
        path: parsed.target,
        error: (error as Error).message,
      });
      response = plain(500, "internal error\n");
    }
    return await serialize(response, parsed.method === "HEAD");
  }
}

function plain(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

async function serialize(response: Response, headOnly: boolean): Promise<Uint8Array> {
  const body = new Uint8Array(await response.arrayBuffer());
  const reason = response.statusText || REASONS[response.status] || "";
  let head = `HTTP/1.1 ${response.status} ${reason}\r\n`;
  for (const [name, value] of response.headers) {
    if (name !== "content-length" && name !== "connection") head += `${name}: ${value}\r\n`;
  }
  head += `content-length: ${body.length}\r\nconnection: close\r\n\r\n`;
  return concat(new TextEncoder().encode(head), headOnly ? new Uint8Array(0) : body);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
