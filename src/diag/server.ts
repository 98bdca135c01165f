/**
 * The diagnostics HTTP server: the handler on `diagAddr`, with a warning
 * when that address is reachable from outside the machine.
 * @module
 */

import { formatHostPort, parseHostPort } from "../config/mod.ts";
import type { Logger } from "../log/mod.ts";

/** A running diagnostics server. */
export interface DiagServer extends AsyncDisposable {
  /** The bound address, `host:port`. */
  readonly address: string;
}

/** Whether an address only accepts connections from this machine. */
export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" || /^127\./.test(hostname) ||
    hostname === "::ffff:127.0.0.1";
}

/** Serves `handler` on `diagAddr` (`host:port`). */
export function startDiagServer(
  diagAddr: string,
  handler: (request: Request) => Response,
  log: Logger,
): DiagServer {
  const { hostname, port } = parseHostPort(diagAddr) as { hostname: string; port: number };
  const bindHost = hostname === "" ? "0.0.0.0" : hostname;
  if (!isLoopback(bindHost)) {
    log.warn(
      "diagnostics listen beyond this machine and expose internals (status, config, metrics)",
      {
        diagAddr,
      },
    );
  }
  const controller = new AbortController();
  const server = Deno.serve({
    hostname: bindHost,
    port,
    signal: controller.signal,
    onListen: () => {},
    onError: (error) => {
      log.error("diagnostics request failed", { error: (error as Error).message });
      return new Response("internal error\n", { status: 500 });
    },
  }, handler);
  const bound = server.addr as Deno.NetAddr;
  return {
    address: formatHostPort(bound.hostname, bound.port),
    async [Symbol.asyncDispose]() {
      controller.abort();
      await server.finished;
    },
  };
}

/** The diagnostics server of the config in force: started, moved when `diagAddr` changes, closed. */
export class DiagEndpoint implements AsyncDisposable {
  readonly #handler: (request: Request) => Response;
  readonly #log: Logger;
  #server: DiagServer | undefined;
  #diagAddr = "";

  constructor(handler: (request: Request) => Response, log: Logger) {
    this.#handler = handler;
    this.#log = log;
  }

  /** The bound address, while serving. */
  get address(): string | undefined {
    return this.#server?.address;
  }

  /** Serves on `diagAddr` ("" stops serving); throws when it cannot bind. */
  async moveTo(diagAddr: string): Promise<void> {
    if (diagAddr === this.#diagAddr && (diagAddr === "") === (this.#server === undefined)) return;
    await this.#server?.[Symbol.asyncDispose]();
    this.#server = undefined;
    this.#diagAddr = diagAddr;
    if (diagAddr !== "") this.#server = startDiagServer(diagAddr, this.#handler, this.#log);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.moveTo("");
  }
}
