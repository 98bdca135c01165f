/**
 * One proxy: its listener, its live links, its two toxic chains, and
 * listen-address normalisation like Toxiproxy's.
 * @module
 */

import type net from "node:net";
import { type DirectionTotals, Link } from "./link.ts";
import {
  boundListen,
  isWildcardHost,
  joinHostPort,
  resolveHost,
  splitHostPort,
} from "./listen_address.ts";
import type { Log } from "./log.ts";
import type { ListenHandle, Network } from "./network.ts";
import type { ToxicConfig } from "./toxic_config.ts";

/** A proxy could not start: Go's error text, shown with status 500. */
export class ProxyStartError extends Error {
  /** @param message e.g. `listen tcp 127.0.0.1:3310: bind: address already in use`. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ProxyStartError";
  }
}

/** What a proxy needs from its surroundings. */
export interface TcpProxyDeps {
  /** Sockets and name lookups. */
  readonly network: Network;
  /** The clock in ms. */
  readonly now: () => number;
  /** A number in [0, 1). */
  readonly random: () => number;
  /** Called when a connection direction ends (for metrics). */
  readonly onDirectionEnd?: (proxy: TcpProxy, totals: DirectionTotals) => void;
  /** Where proxy events go. */
  readonly log?: Log;
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  EADDRINUSE: "address already in use",
  EACCES: "permission denied",
  EADDRNOTAVAIL: "cannot assign requested address",
  EPERM: "operation not permitted",
};

/**
 * One named proxy: a listener, the live links it accepted, and its two toxic
 * chains. Starting binds the stored listen address and replaces it with the
 * bound one, so a port-0 proxy keeps its port across disable and enable.
 */
export class TcpProxy {
  readonly name: string;
  listen: string;
  upstream: string;
  readonly #deps: TcpProxyDeps;
  #toxics: ToxicConfig[] = [];
  #listener: ListenHandle | undefined;
  #links = new Set<Link>();
  #dials = new Set<AbortController>();
  #tasks = new Set<Promise<void>>();

  /** Creates a stopped proxy. */
  constructor(name: string, listen: string, upstream: string, deps: TcpProxyDeps) {
    this.name = name;
    this.listen = listen;
    this.upstream = upstream;
    this.#deps = deps;
  }

  /** True while listening. */
  get enabled(): boolean {
    return this.#listener !== undefined;
  }

  /** Binds the stored listen address; a no-op when already listening. */
  async start(): Promise<void> {
    if (this.#listener !== undefined) return;
    let host: string;
    let port: number;
    let ip: string;
    try {
      // Go listens on every interface for an empty address.
      ({ host, port } = splitHostPort(this.listen === "" ? ":0" : this.listen));
      ip = await resolveHost(host, this.#deps.network.lookup);
    } catch (cause) {
      throw new ProxyStartError(`listen tcp: ${(cause as Error).message}`, { cause });
    }
    const bindIp = isWildcardHost(ip) ? "::" : ip;
    try {
      this.#listener = await this.#deps.network.listen(bindIp, port, (s) => this.#accept(s));
    } catch (cause) {
      const shown = ip === "" ? `:${port}` : joinHostPort(ip, port);
      const code = (cause as { code?: string }).code ?? "";
      const text = ERRNO_TEXT[code] ?? (cause as Error).message;
      throw new ProxyStartError(`listen tcp ${shown}: bind: ${text}`, { cause });
    }
    this.listen = boundListen(ip, this.#listener.port);
    this.#log("info", "Started proxy", { proxy: this.listen, upstream: this.upstream });
  }

  /** Closes the listener and every live connection; harmless when stopped. */
  async stop(): Promise<void> {
    const listener = this.#listener;
    this.#listener = undefined;
    for (const dial of this.#dials) dial.abort();
    const links = [...this.#links];
    await Promise.all([listener?.close(), ...links.map((link) => link.close())]);
    await Promise.all(this.#tasks);
    if (listener !== undefined) {
      this.#log("info", "Terminated proxy", { proxy: this.listen, upstream: this.upstream });
    }
  }

  #log(
    level: "info" | "debug" | "warn" | "error",
    message: string,
    fields: Record<string, unknown>,
  ) {
    this.#deps.log?.(level, message, { name: this.name, ...fields });
  }

  /** The toxics as the API lists them: every upstream one, then every downstream one. */
  toxics(): ToxicConfig[] {
    return [
      ...this.#toxics.filter((t) => t.direction === "upstream"),
      ...this.#toxics.filter((t) => t.direction === "downstream"),
    ];
  }

  /** A toxic by name, either stream. */
  getToxic(name: string): ToxicConfig | undefined {
    return this.#toxics.find((t) => t.name === name);
  }

  /** True when a reset_peer toxic exists, so new connections close with RST. */
  #hasResetPeer(): boolean {
    return this.#toxics.some((t) => t.type.name === "reset_peer");
  }

  /** Appends a toxic to its chain, on live connections too. The caller checks the name. */
  addToxic(toxic: ToxicConfig): void {
    this.#toxics.push(toxic);
    for (const link of this.#links) link.addToxic(toxic);
  }

  /** Replaces a toxic (same name) and restarts it on live connections. */
  async updateToxic(toxic: ToxicConfig): Promise<void> {
    const index = this.#toxics.findIndex((t) => t.name === toxic.name);
    if (index < 0) return;
    this.#toxics[index] = toxic;
    await Promise.all([...this.#links].map((link) => link.updateToxic(toxic)));
  }

  /** Removes a toxic; held data goes on (a timeout toxic closes its connections). */
  async removeToxic(name: string): Promise<boolean> {
    const toxic = this.getToxic(name);
    if (toxic === undefined) return false;
    this.#toxics = this.#toxics.filter((t) => t !== toxic);
    await Promise.all([...this.#links].map((link) => link.removeToxic(toxic)));
    return true;
  }

  /** Removes every toxic, in chain order. */
  async removeAllToxics(): Promise<void> {
    for (const toxic of this.toxics()) await this.removeToxic(toxic.name);
  }

  #accept(client: net.Socket): void {
    // An error on a socket nobody listens to would end the process.
    client.on("error", () => {});
    if (this.#listener === undefined) {
      client.destroy();
      return;
    }
    // SO_LINGER 0 is decided at accept, as in Toxiproxy.
    const resetOnClose = this.#hasResetPeer();
    const task = this.#serve(client, resetOnClose).finally(() => this.#tasks.delete(task));
    this.#tasks.add(task);
  }

  async #serve(client: net.Socket, resetOnClose: boolean): Promise<void> {
    const dial = new AbortController();
    this.#dials.add(dial);
    let upstream: net.Socket;
    try {
      const { host, port } = splitHostPort(this.upstream);
      upstream = await this.#deps.network.connect(host, port, dial.signal);
    } catch (error) {
      // The client was accepted already: it sees the connection close.
      this.#log("error", "Unable to open connection to upstream", {
        client: `${client.remoteAddress}:${client.remotePort}`,
        upstream: this.upstream,
        error: String((error as Error)?.message ?? error),
      });
      client.destroy();
      return;
    } finally {
      this.#dials.delete(dial);
    }
    upstream.on("error", () => {});
    if (dial.signal.aborted || client.destroyed || this.#listener === undefined) {
      upstream.destroy();
      client.destroy();
      return;
    }
    const { now, random, onDirectionEnd } = this.#deps;
    const link = new Link({
      client,
      upstream,
      toxics: this.#toxics,
      resetOnClose,
      now,
      random,
      onDirectionEnd: (totals) => onDirectionEnd?.(this, totals),
    });
    this.#links.add(link);
    this.#log("info", "Accepted client", {
      client: `${client.remoteAddress}:${client.remotePort}`,
      proxy: this.listen,
      upstream: this.upstream,
    });
    link.start();
    await link.done;
    this.#links.delete(link);
  }
}
