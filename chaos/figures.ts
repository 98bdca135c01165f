/**
 * Figures computed from connection records: pure functions the scenarios
 * assert on and the table shows.
 * @module
 */

import type { ConnRecord } from "./clients.ts";
import type { LogLine } from "./sidecar.ts";

/** Connections counted by the region that served them (failed ones under "-"). */
export function countByRegion(records: readonly Pick<ConnRecord, "region">[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) {
    const key = record.region ?? "-";
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Connections counted by node. */
export function countByNode(records: readonly Pick<ConnRecord, "node">[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) {
    if (record.node === undefined) continue;
    counts.set(record.node, (counts.get(record.node) ?? 0) + 1);
  }
  return counts;
}

/** `home 40, near 2` — a count map as one table cell. */
export function formatCounts(counts: ReadonlyMap<string, number>): string {
  if (counts.size === 0) return "none";
  return [...counts].map(([key, value]) => `${key} ${value}`).join(", ");
}

/** How many items have each key. */
export function countBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** Records that started in [fromMs, toMs). */
export function startedBetween<T extends Pick<ConnRecord, "startMs">>(
  records: readonly T[],
  fromMs: number,
  toMs = Infinity,
): T[] {
  return records.filter((record) => record.startMs >= fromMs && record.startMs < toMs);
}

/** Connections that never got a backend's greeting. */
export function connectErrors<T extends Pick<ConnRecord, "end">>(records: readonly T[]): T[] {
  return records.filter((record) => record.end === "connect error");
}

/**
 * The time from `faultMs` until the first connection started after it that
 * was served by one of `regions`; undefined when none was.
 */
export function timeToFirst(
  records: readonly Pick<ConnRecord, "startMs" | "greetedMs" | "region">[],
  faultMs: number,
  regions: readonly string[],
): number | undefined {
  let best: number | undefined;
  for (const record of records) {
    if (record.startMs < faultMs || record.greetedMs === undefined) continue;
    if (record.region === undefined || !regions.includes(record.region)) continue;
    const at = record.greetedMs - faultMs;
    if (best === undefined || at < best) best = at;
  }
  return best;
}

/**
 * Time from `sinceMs` until connections are served only by `regions` from
 * then on: the start of the first connection after which no connection
 * (started later) went elsewhere. Undefined if the last one still went
 * elsewhere.
 */
export function settledAfter(
  records: readonly Pick<ConnRecord, "startMs" | "region">[],
  sinceMs: number,
  regions: readonly string[],
): number | undefined {
  const after = records.filter((r) => r.startMs >= sinceMs).sort((a, b) => a.startMs - b.startMs);
  let settle: number | undefined;
  for (const record of after) {
    const inside = record.region !== undefined && regions.includes(record.region);
    if (!inside) settle = undefined;
    else settle ??= record.startMs;
  }
  return settle === undefined ? undefined : settle - sinceMs;
}

/** The highest number of connections started within any window of `windowMs`. */
export function peakRate(
  records: readonly Pick<ConnRecord, "startMs">[],
  windowMs: number,
): number {
  const starts = records.map((r) => r.startMs).sort((a, b) => a - b);
  let peak = 0;
  let from = 0;
  for (let to = 0; to < starts.length; to++) {
    while ((starts[to] as number) - (starts[from] as number) >= windowMs) from++;
    peak = Math.max(peak, to - from + 1);
  }
  return peak;
}

/** Counts of events grouped into buckets of `bucketMs` from `originMs`. */
export function perBucket(
  timesMs: readonly number[],
  originMs: number,
  bucketMs: number,
): number[] {
  const buckets: number[] = [];
  for (const time of timesMs) {
    const index = Math.floor((time - originMs) / bucketMs);
    if (index < 0) continue;
    while (buckets.length <= index) buckets.push(0);
    buckets[index] = (buckets[index] as number) + 1;
  }
  return buckets;
}

/** A run of events with no gap longer than the clustering gap. */
export interface Cluster {
  readonly startMs: number;
  readonly count: number;
}

/** Groups times into clusters: a gap longer than `gapMs` starts a new one. */
export function clusters(timesMs: readonly number[], gapMs: number): Cluster[] {
  const sorted = [...timesMs].sort((a, b) => a - b);
  const out: { startMs: number; count: number }[] = [];
  let last = -Infinity;
  for (const time of sorted) {
    if (time - last > gapMs) out.push({ startMs: time, count: 0 });
    (out[out.length - 1] as { count: number }).count++;
    last = time;
  }
  return out;
}

/** Median of numbers (undefined for none). */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Sidecar `session ended` lines with a given `how`. */
export function sessionsEnded(lines: readonly LogLine[], how?: string): LogLine[] {
  return lines.filter((line) =>
    line.msg === "session ended" && (how === undefined || line.how === how)
  );
}

/**
 * Splits records around a fault injected between `fromMs` and `toMs` (the API call). A
 * connection open at any moment of that window is `inFlight` wherever it started: the
 * backend may have accepted it and the fault may cut it, even before its first byte (the
 * real Toxiproxy closes every connection of a disabled proxy at once). The rest are
 * `before` (ended before the fault) and `after` (started once the call returned);
 * `others` is both, the connections the sidecar should have served without error.
 */
export function splitByFault<T extends Pick<ConnRecord, "startMs" | "endMs">>(
  records: readonly T[],
  fromMs: number,
  toMs: number,
): { before: T[]; inFlight: T[]; after: T[]; others: T[] } {
  const before: T[] = [];
  const inFlight: T[] = [];
  const after: T[] = [];
  for (const record of records) {
    if (record.startMs <= toMs && record.endMs >= fromMs) inFlight.push(record);
    else if (record.startMs > toMs) after.push(record);
    else before.push(record);
  }
  const others = records.filter((record) => !inFlight.includes(record));
  return { before, inFlight, after, others };
}
