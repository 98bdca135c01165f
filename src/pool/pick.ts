/**
 * The pick: eligible (not disabled, not full) → lower tier → lower latency
 * sub-tier → lower load → round-robin. A full or dead tier spills to the next ("fill and spill").
 * @module
 */

import type { Backend } from "./backend.ts";

/**
 * Chooses the backend for a new session, or undefined when none can take it.
 *
 * @param backends every backend of the pool (iterated again when `admit` declines one)
 * @param now the current time (ms), for disabled-until checks
 * @param sequence a counter that advances per pick, for round-robin among equals
 * @param admit whether the pick may have the backend it chose (slow start);
 *   a declined backend is passed over for the next best, but when every
 *   eligible backend declines, the first choice is taken: never refused
 */
export function pickBackend(
  backends: Iterable<Backend>,
  now: number,
  sequence: number,
  admit?: (backend: Backend) => boolean,
): Backend | undefined {
  const first = bestOf(backends, now, sequence);
  if (admit === undefined || first === undefined || admit(first)) return first;
  const declined = new Set([first]);
  for (;;) {
    const next = bestOf(backends, now, sequence, declined);
    if (next === undefined) return first;
    if (admit(next)) return next;
    declined.add(next);
  }
}

function bestOf(
  backends: Iterable<Backend>,
  now: number,
  sequence: number,
  declined?: ReadonlySet<Backend>,
): Backend | undefined {
  let best: Backend[] = [];
  for (const backend of backends) {
    if (!backend.isEligible(now) || declined?.has(backend)) continue;
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
