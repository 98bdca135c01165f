/**
 * Discovery: every host and SRV name of a frontend's targets, resolved
 * again on each refresh. A name that fails keeps its last good answer; a
 * name that never resolved is reported and contributes nothing.
 * @module
 */

import type { Tier } from "../config/mod.ts";
import type { Resolver, SrvEndpoint } from "./resolve.ts";

/** The answers discovery works from: each host's addresses, each SRV name's endpoints. */
export interface Answers {
  readonly hosts: ReadonlyMap<string, readonly string[]>;
  readonly srv: ReadonlyMap<string, readonly SrvEndpoint[]>;
}

/** One refresh's outcome. */
export interface Refresh {
  readonly answers: Answers;
  /** Names that failed this time, with the error (they keep their last good answer, if any). */
  readonly failures: ReadonlyMap<string, string>;
}

/** Every host and SRV name the tiers mention. */
export function namesOf(tiers: readonly Tier[]): { hosts: string[]; srv: string[] } {
  const targets = tiers.flatMap((tier) => tier.targets);
  return {
    hosts: [...new Set(targets.flatMap((target) => target.hosts))],
    srv: [...new Set(targets.map((target) => target.srv).filter((name) => name !== ""))],
  };
}

/** A name that failed to resolve, for status pages. */
export interface NameFailure {
  readonly error: string;
  /** When it started failing (ms). */
  readonly since: number;
  /** Whether its last good answer is still in use. */
  readonly keptLastGood: boolean;
}

/** Keeps the last good answer of every name between refreshes. */
export class Discovery {
  #hosts = new Map<string, readonly string[]>();
  #srv = new Map<string, readonly SrvEndpoint[]>();
  #failing = new Map<string, NameFailure>();

  /** The answers as of the last refresh. */
  get answers(): Answers {
    return { hosts: this.#hosts, srv: this.#srv };
  }

  /** Names failing to resolve as of the last refresh. */
  get failing(): ReadonlyMap<string, NameFailure> {
    return this.#failing;
  }

  /** Resolves every name of `tiers` again, concurrently; `now` dates new failures. */
  async refresh(tiers: readonly Tier[], resolver: Resolver, now = 0): Promise<Refresh> {
    const names = namesOf(tiers);
    const failures = new Map<string, string>();
    const [hosts, srv] = await Promise.all([
      settle(names.hosts, (host) => resolver.resolve(host), this.#hosts, failures),
      settle(names.srv, (name) => resolver.resolveSrv(name), this.#srv, failures),
    ]);
    this.#hosts = hosts;
    this.#srv = srv;
    const failing = new Map<string, NameFailure>();
    for (const [name, error] of failures) {
      failing.set(name, {
        error,
        since: this.#failing.get(name)?.since ?? now,
        keptLastGood: hosts.has(name) || srv.has(name),
      });
    }
    this.#failing = failing;
    return { answers: this.answers, failures };
  }
}

async function settle<T>(
  names: readonly string[],
  resolve: (name: string) => Promise<T>,
  lastGood: ReadonlyMap<string, T>,
  failures: Map<string, string>,
): Promise<Map<string, T>> {
  const results = await Promise.allSettled(names.map(resolve));
  const next = new Map<string, T>();
  results.forEach((result, index) => {
    const name = names[index] as string;
    if (result.status === "fulfilled") {
      next.set(name, result.value);
      return;
    }
    failures.set(name, (result.reason as Error)?.message ?? String(result.reason));
    const previous = lastGood.get(name);
    if (previous !== undefined) next.set(name, previous);
  });
  return next;
}
