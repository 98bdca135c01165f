/**
 * Where a workload sends its traffic: straight to a backend, or through a
 * proxy process whose CPU and memory can be read.
 * @module
 */

import type { TargetName } from "./metric.ts";

/**
 * The backends: redis-server for round trips and connections, iperf3 for
 * the stream, PostgreSQL for pgbench.
 */
export type BackendName = "redis" | "iperf3" | "postgres";

/** A way to reach the backends. */
export interface Target {
  readonly name: TargetName;
  /** The port on 127.0.0.1 that reaches each backend this way. */
  readonly ports: ReadonlyMap<BackendName, number>;
  /** The proxy's process id (none for direct). */
  readonly pid: number | undefined;
}

/** The port of `backend` through `target`. @throws {RangeError} when it has none */
export function portFor(target: Target, backend: BackendName): number {
  const port = target.ports.get(backend);
  if (port === undefined) throw new RangeError(`${target.name} has no port for ${backend}`);
  return port;
}

/** `items` rotated left by `by`, so each repetition starts with a different target. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const shift = ((by % items.length) + items.length) % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
