/**
 * Expands every host of a frontend's targets to its addresses. A host that
 * fails to resolve is reported and skipped; the others still count.
 * @module
 */

import type { Resolver } from "./resolve.ts";

/** The addresses of each host that resolved, and the errors of those that did not. */
export interface Resolution {
  readonly answers: ReadonlyMap<string, readonly string[]>;
  readonly failures: ReadonlyMap<string, string>;
}

/** Resolves each distinct host once, concurrently. */
export async function resolveHosts(
  hosts: Iterable<string>,
  resolver: Resolver,
): Promise<Resolution> {
  const distinct = [...new Set(hosts)];
  const results = await Promise.allSettled(distinct.map((host) => resolver.resolve(host)));
  const answers = new Map<string, readonly string[]>();
  const failures = new Map<string, string>();
  results.forEach((result, index) => {
    const host = distinct[index] as string;
    if (result.status === "fulfilled") answers.set(host, result.value);
    else failures.set(host, (result.reason as Error)?.message ?? String(result.reason));
  });
  return { answers, failures };
}
