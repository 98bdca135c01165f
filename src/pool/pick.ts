/**
 * The pick: eligible (not disabled, not full) → lower tier → lower load →
 * round-robin. A full or dead tier spills to the next ("fill and spill").
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
  let bestTier = Infinity;
  let bestLoad = Infinity;
  for (const backend of backends) {
    if (backend.ineligibility(now) !== undefined) continue;
    const { tier } = backend.spec;
    if (tier > bestTier || (tier === bestTier && backend.load > bestLoad)) continue;
    if (tier < bestTier || backend.load < bestLoad) {
      best = [];
      bestTier = tier;
      bestLoad = backend.load;
    }
    best.push(backend);
  }
  return best.length === 0 ? undefined : best[sequence % best.length];
}
