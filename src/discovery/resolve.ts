/**
 * Name → addresses. The system resolver goes through getaddrinfo (so
 * /etc/hosts and nsswitch apply); with `resolver.nameServer` set, A, AAAA
 * and SRV questions go to that server. IP literals are themselves.
 * @module
 */

import { lookup } from "node:dns/promises";
import { type HostPort, isIPLiteral, unbracket } from "../config/mod.ts";

/** One SRV record, its target already resolved to addresses. */
export interface SrvEndpoint {
  readonly address: string;
  readonly port: number;
}

/** Resolves hosts (A and AAAA) and SRV names. */
export interface Resolver {
  /** Every address of `host`. */
  resolve(host: string): Promise<readonly string[]>;
  /** Every (address, port) an SRV name points to. */
  resolveSrv(name: string): Promise<readonly SrvEndpoint[]>;
}

/** The operating system's resolver (getaddrinfo; SRV from resolv.conf's servers). */
export const systemResolver: Resolver = {
  async resolve(host: string): Promise<readonly string[]> {
    const bare = unbracket(host);
    if (isIPLiteral(bare)) return [bare];
    const answers = await lookup(bare, { all: true, verbatim: true });
    return unique(answers.map((answer) => answer.address));
  },
  resolveSrv(name: string): Promise<readonly SrvEndpoint[]> {
    return resolveSrvWith(name, this, undefined);
  },
};

/** A resolver that asks one DNS server (`resolver.nameServer`). */
export function nameServerResolver(server: HostPort): Resolver {
  const options: Deno.ResolveDnsOptions = {
    nameServer: { ipAddr: server.hostname, port: server.port },
  };
  const resolver: Resolver = {
    async resolve(host: string): Promise<readonly string[]> {
      const bare = unbracket(host);
      if (isIPLiteral(bare)) return [bare];
      const [v4, v6] = await Promise.allSettled([
        Deno.resolveDns(bare, "A", options),
        Deno.resolveDns(bare, "AAAA", options),
      ]);
      const addresses = [
        ...(v4.status === "fulfilled" ? v4.value : []),
        ...(v6.status === "fulfilled" ? v6.value : []),
      ];
      if (addresses.length > 0) return unique(addresses);
      const failure = [v4, v6].find((result) => result.status === "rejected");
      throw failure?.reason ?? new Error(`${bare}: no A or AAAA records`);
    },
    resolveSrv: (name: string) => resolveSrvWith(name, resolver, options),
  };
  return resolver;
}

async function resolveSrvWith(
  name: string,
  resolver: Resolver,
  options: Deno.ResolveDnsOptions | undefined,
): Promise<readonly SrvEndpoint[]> {
  const records = await Deno.resolveDns(name, "SRV", options);
  const endpoints = await Promise.all(records.map(async (record) => {
    const addresses = await resolver.resolve(record.target.replace(/\.$/, ""));
    return addresses.map((address) => ({ address, port: record.port }));
  }));
  return endpoints.flat();
}

function unique(addresses: readonly string[]): string[] {
  return [...new Set(addresses)];
}

/** A resolver whose target can be swapped when a reload changes `resolver.nameServer`. */
export class SwitchableResolver implements Resolver {
  current: Resolver;

  constructor(initial: Resolver) {
    this.current = initial;
  }

  resolve(host: string): Promise<readonly string[]> {
    return this.current.resolve(host);
  }

  resolveSrv(name: string): Promise<readonly SrvEndpoint[]> {
    return this.current.resolveSrv(name);
  }
}
