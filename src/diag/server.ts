/**
 * The diagnostics listeners of the config in force: the full diagnostics
 * server on `diagAddr` and the probes-only health server on `healthAddr`,
 * each started, moved when its address changes, and closed. Both answer
 * only the Host names `host_check.ts` allows; the diagnostics server warns
 * when it is reachable from outside the machine.
 * @module
 */

import { parseHostPort } from "../config/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { AcceptStall } from "../net/mod.ts";
import type { Scheduler } from "../scheduler.ts";
import { allowedNames, withHostCheck } from "./host_check.ts";
import { HttpServer } from "./http_server.ts";

/** A request handler. */
export type Handler = (request: Request) => Response;

/** Whether an address only accepts connections from this machine. */
export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" || /^127\./.test(hostname) ||
    hostname === "::ffff:127.0.0.1";
}

/** Where diagnostics listen and whom they answer: these fields of the config. */
export interface DiagListen {
  readonly diagAddr: string;
  readonly healthAddr: string;
  readonly diagAllowedHosts: readonly string[];
}

/** A diagnostics listener that cannot accept right now. */
export interface DiagStall {
  /** `diagnostics` or `health`. */
  readonly server: string;
  readonly address: string;
  readonly stall: AcceptStall;
}

/** Serves `handler` on `addr` (`host:port`), answering only allowed Host names. */
export function startDiagServer(
  addr: string,
  handler: Handler,
  options: {
    readonly log: Logger;
    readonly scheduler: Scheduler;
    readonly allowedHosts?: readonly string[];
    /** For log lines. @default "diagnostics" */
    readonly server?: string;
  },
): HttpServer {
  const { hostname, port } = parseHostPort(addr) as { hostname: string; port: number };
  const bindHost = hostname === "" ? "0.0.0.0" : hostname;
  return HttpServer.listen({
    hostname: bindHost,
    port,
    handler: withHostCheck(handler, allowedNames(bindHost, options.allowedHosts ?? [])),
    scheduler: options.scheduler,
    log: options.log,
    logFields: { server: options.server ?? "diagnostics" },
  });
}

/** One listener slot: the server for an address and Host list, replaced when either changes. */
class Slot {
  server: HttpServer | undefined;
  key = "";

  async apply(
    key: string,
    start: (() => HttpServer) | undefined,
  ): Promise<void> {
    if (key === this.key && (start === undefined) === (this.server === undefined)) return;
    await this.server?.close();
    this.server = undefined;
    this.key = key;
    if (start !== undefined) this.server = start();
  }
}

/** The diagnostics and health servers of the config in force. */
export class DiagEndpoint implements AsyncDisposable {
  readonly #handlers: { readonly diag: Handler; readonly health: Handler };
  readonly #log: Logger;
  readonly #scheduler: Scheduler;
  readonly #diag = new Slot();
  readonly #health = new Slot();

  constructor(
    handlers: { readonly diag: Handler; readonly health: Handler },
    log: Logger,
    scheduler: Scheduler,
  ) {
    this.#handlers = handlers;
    this.#log = log;
    this.#scheduler = scheduler;
  }

  /** The diagnostics server's bound address, while serving. */
  get address(): string | undefined {
    return this.#diag.server?.address;
  }

  /** The health server's bound address, while serving. */
  get healthAddress(): string | undefined {
    return this.#health.server?.address;
  }

  /** Connections both servers hold now. */
  get openConnections(): number {
    return (this.#diag.server?.open ?? 0) + (this.#health.server?.open ?? 0);
  }

  /** Listeners that cannot accept now (e.g. out of descriptors), for readiness. */
  stalls(): DiagStall[] {
    const out: DiagStall[] = [];
    for (const [server, slot] of [["diagnostics", this.#diag], ["health", this.#health]] as const) {
      const stall = slot.server?.stall;
      if (stall !== undefined && slot.server !== undefined) {
        out.push({ server, address: slot.server.address, stall });
      }
    }
    return out;
  }

  /**
   * Listens where `listen` says ("" stops a server); servers whose address
   * and Host list are unchanged keep running.
   *
   * @throws {Error} naming the setting and address that cannot be bound
   */
  async apply(listen: DiagListen): Promise<void> {
    const hosts = listen.diagAllowedHosts;
    await this.#slot(this.#diag, "diagAddr", listen.diagAddr, hosts, this.#handlers.diag);
    await this.#slot(this.#health, "healthAddr", listen.healthAddr, hosts, this.#handlers.health);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.apply({ diagAddr: "", healthAddr: "", diagAllowedHosts: [] });
  }

  async #slot(
    slot: Slot,
    setting: "diagAddr" | "healthAddr",
    addr: string,
    hosts: readonly string[],
    handler: Handler,
  ): Promise<void> {
    const server = setting === "diagAddr" ? "diagnostics" : "health";
    await slot.apply(
      `${addr} ${hosts.join(",")}`,
      addr === "" ? undefined : () => {
        const { hostname } = parseHostPort(addr) as { hostname: string };
        if (setting === "diagAddr" && !isLoopback(hostname === "" ? "0.0.0.0" : hostname)) {
          this.#log.warn(
            "diagnostics listen beyond this machine and expose internals (status, config, metrics)",
            { diagAddr: addr },
          );
        }
        try {
          return startDiagServer(addr, handler, {
            log: this.#log,
            scheduler: this.#scheduler,
            allowedHosts: hosts,
            server,
          });
        } catch (error) {
          throw new Error(`cannot listen on ${setting} ${addr}: ${(error as Error).message}`, {
            cause: error,
          });
        }
      },
    );
  }
}
