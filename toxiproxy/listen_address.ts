/**
 * Listen and upstream addresses as Go's `net` package splits, joins,
 * resolves and prints them, with its error wording.
 * @module
 */

import { isIP } from "node:net";

/** A listen or upstream address that cannot be split, worded like Go's net package. */
export class AddressError extends Error {
  /** @param message Go's wording, e.g. `address local373: missing port in address`. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AddressError";
  }
}

/** A `host:port` split into its parts; `host` is "" for `:port`. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Splits `host:port` or `[v6]:port` the way Go's `net.SplitHostPort` plus port parsing do. */
export function splitHostPort(address: string): HostPort {
  const fail = (why: string) => new AddressError(`address ${address}: ${why}`);
  const colon = address.lastIndexOf(":");
  if (colon < 0) throw fail("missing port in address");
  let host: string;
  if (address.startsWith("[")) {
    const close = address.indexOf("]");
    if (close < 0) throw fail("missing ']' in address");
    if (close + 1 !== colon) {
      throw fail(
        close + 1 === address.length ? "missing port in address" : "unexpected ']' in address",
      );
    }
    host = address.slice(1, close);
  } else {
    host = address.slice(0, colon);
    if (host.includes(":")) throw fail("too many colons in address");
    if (host.includes("[") || host.includes("]")) throw fail("unexpected '[' in address");
  }
  const portText = address.slice(colon + 1);
  if (portText === "") return { host, port: 0 };
  // Go reads a signed decimal (`+80` is 80); anything else would be a service name lookup.
  if (!/^[+-]?[0-9]+$/.test(portText)) {
    throw new AddressError(`lookup tcp/${portText}: unknown port`);
  }
  const port = Number(portText);
  if (port < 0 || port > 65535) throw new AddressError(`address ${portText}: invalid port`);
  return { host, port };
}

/** Joins a host and port, bracketing IPv6 literals. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** True for the hosts that mean every interface: "", `0.0.0.0` and `::`. */
export function isWildcardHost(host: string): boolean {
  return host === "" || host === "0.0.0.0" || host === "::";
}

/** Looks a host name up; returns its addresses in the resolver's order. */
export type Lookup = (host: string) => Promise<string[]>;

/**
 * Resolves a host for listening: IP literals as they are, "" stays "",
 * a name becomes its first IPv4 address (else its first address).
 * Rejects with Go's `lookup <host>: no such host`.
 */
export async function resolveHost(host: string, lookup: Lookup): Promise<string> {
  if (host === "" || isIP(host) !== 0) return host;
  let addresses: string[];
  try {
    addresses = await lookup(host);
  } catch (cause) {
    throw new AddressError(`lookup ${host}: no such host`, { cause });
  }
  const chosen = addresses.find((a) => isIP(a) === 4) ?? addresses[0];
  if (chosen === undefined) throw new AddressError(`lookup ${host}: no such host`);
  return chosen;
}

/**
 * Resolves a listen address the way Go's `ResolveTCPAddr(...).String()`
 * does: `localhost:0` → `127.0.0.1:0`, `:0` → `:0`. Used to tell whether an
 * update changes the address.
 */
export async function resolveAddress(address: string, lookup: Lookup): Promise<string> {
  const { host, port } = splitHostPort(address);
  const ip = await resolveHost(host, lookup);
  return ip === "" ? `:${port}` : joinHostPort(ip, port);
}

/** How a bound listener is reported: wildcards as `[::]:P`, like Go. */
export function boundListen(ip: string, port: number): string {
  return isWildcardHost(ip) ? `[::]:${port}` : joinHostPort(ip, port);
}
