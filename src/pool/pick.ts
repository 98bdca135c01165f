/**
 * The pick: eligible (not disabled, not full) → lower tier → lower latency
 * sub-tier → lower load → round-robin. A full or dead tier spills to the next ("fill and spill").
 * @module
 */

import type { Backend } from "./backend.ts";

/**
 * Chooses the backend for a new session, or undefined when none can take it.
 *
 * @param backends every backend of the pool
 * @param now the current time (ms), for disabled-until checks
 * @param sequence a counter that advances per pick, for round-robin among equals
 */
export function pickBackend(
  backends: Iterable<Backend>,
  now: number,
  sequence: number,
): Backend | undefined {
  let best: Backend[] = [];
  for (const backend of backends) {
    if (!backend.isEligible(now)) continue;
    const order = best.length === 0 ? -1 : compare(backend, best[0] as Backend);
    if (order > 0) continue;
    if (order < 0) best = [];
    best.push(backend);
  }
  return best.length === 0 ? undefined : best[sequence % best.length];
}

function compare(a: Backend, b: Backend): number {
  return a.spec.tier - b.spec.tier || a.subTier - b.subTier || a.load - b.load;
}
