/**
 * Sockets for the proxies over `node:net` (a `Deno.Conn` cannot send an
 * RST): listen, dial, and name lookups, behind a small interface.
 * @module
 */

import { lookup as dnsLookup } from "node:dns/promises";
import net from "node:net";
import type { Lookup } from "./listen_address.ts";

/** A bound listener of a proxy. */
export interface ListenHandle {
  /** The address actually bound ("::" for the wildcard). */
  readonly ip: string;
  /** The port actually bound. */
  readonly port: number;
  /** Stops accepting; resolves once the listener is closed. */
  close(): Promise<void>;
}

/**
 * The sockets a proxy needs. Node sockets are used because Deno's own
 * `Deno.Conn` cannot close with an RST (SO_LINGER 0), which reset_peer needs.
 * Tests of the API swap in a fake that binds nothing.
 */
export interface Network {
  /** Resolves a host name to its addresses. */
  lookup: Lookup;
  /** Binds `ip:port` ("::" = every interface); rejects with a Node error carrying `code`. */
  listen(
    ip: string,
    port: number,
    onConnection: (socket: net.Socket) => void,
  ): Promise<ListenHandle>;
  /** Dials `host:port` over TCP; resolves once connected; an abort destroys the attempt. */
  connect(host: string, port: number, signal: AbortSignal): Promise<net.Socket>;
}

/** The real network, over `node:net`. */
export function createNodeNetwork(): Network {
  return {
    async lookup(host) {
      const found = await dnsLookup(host, { all: true });
      return found.map((a) => a.address);
    },
    listen(ip, port, onConnection) {
      const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, onConnection);
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen({ host: ip, port, exclusive: true }, () => {
          server.off("error", reject);
          // A failed accept must never take the process down.
          server.on("error", () => {});
          const address = server.address() as net.AddressInfo;
          const closed = new Promise<void>((done) => server.once("close", () => done()));
          resolve({
            ip,
            port: address.port,
            close() {
              if (server.listening) server.close();
              return closed;
            },
          });
        });
      });
    },
    async connect(host, port, signal) {
      // Like Go's dialer, try every address of a name (a "localhost" with ::1
      // first must still reach a server on 127.0.0.1).
      const addresses = net.isIP(host) !== 0
        ? [host]
        : (await dnsLookup(host, { all: true })).map((a) => a.address);
      let failure: unknown = new Error(`lookup ${host}: no such host`);
      for (const address of addresses) {
        signal.throwIfAborted();
        try {
          return await dial(address, port, signal);
        } catch (error) {
          failure = error;
        }
      }
      throw failure;
    },
  };
}

function dial(host: string, port: number, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const socket = net.connect({ host, port, allowHalfOpen: true, noDelay: true });
    const abort = () => fail(signal.reason);
    const fail = (err: unknown) => {
      signal.removeEventListener("abort", abort);
      socket.destroy();
      reject(err);
    };
    signal.addEventListener("abort", abort, { once: true });
    socket.once("error", fail);
    socket.once("connect", () => {
      signal.removeEventListener("abort", abort);
      socket.off("error", fail);
      resolve(socket);
    });
  });
}
