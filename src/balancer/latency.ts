/**
 * Latency sub-tiers: within one configured tier, backends are grouped into
 * buckets of `latencyBucket` width measured from the fastest, nearest
 * first. Configured tier order always dominates. A backend near a bucket
 * edge keeps its sub-tier until it is clearly past the edge (hysteresis),
 * so it does not flap.
 * @module
 */

/** How far past a bucket edge (as a fraction of the bucket) a backend must be to move. */
export const HYSTERESIS = 0.25;

/** One backend as the sub-tier assignment sees it. */
export interface LatencyEntry {
  readonly key: string;
  readonly tier: number;
  /** The last measured connect latency, or undefined when not measured. */
  readonly latencyMs: number | undefined;
  /** Its current sub-tier. */
  readonly subTier: number;
}

/**
 * The sub-tier of every entry. A negative `bucketMs` turns sub-tiers off
 * (everything is 0). Unmeasured backends keep their current sub-tier.
 */
export function assignSubTiers(
  entries: readonly LatencyEntry[],
  bucketMs: number,
): Map<string, number> {
  const result = new Map<string, number>();
  if (bucketMs <= 0) {
    for (const entry of entries) result.set(entry.key, 0);
    return result;
  }
  const fastest = new Map<number, number>();
  for (const { tier, latencyMs } of entries) {
    if (latencyMs === undefined) continue;
    fastest.set(tier, Math.min(fastest.get(tier) ?? Infinity, latencyMs));
  }
  for (const entry of entries) {
    const base = fastest.get(entry.tier);
    if (entry.latencyMs === undefined || base === undefined) {
      result.set(entry.key, entry.subTier);
      continue;
    }
    const position = (entry.latencyMs - base) / bucketMs;
    const current = entry.subTier;
    const staysPut = position >= current - HYSTERESIS && position < current + 1 + HYSTERESIS;
    result.set(entry.key, staysPut ? current : Math.floor(position));
  }
  return result;
}
