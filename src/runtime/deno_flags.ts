/**
 * The `deno run` flags the sidecar is documented and measured with.
 * @module
 */

/**
 * A 2 MiB young generation instead of V8's default of up to 16 MiB: the
 * young generation otherwise grows with connection churn and shows up as
 * ~7 KiB of RSS per idle proxied connection (measured with
 * `deno task bench --only idle-memory`: 22.4 → 15.3–16.1 KiB). 1 MiB saves
 * nothing more per idle connection (11.4 vs 11.1–11.8 KiB with 2,000) but
 * doubles the young collections of every new connection: at 2 MiB the
 * sidecar's user CPU per new connection is 63 µs instead of 94 (GC pauses
 * 21 instead of 41 µs), for ~2 MiB more resident memory. It is not a
 * permission: the least-privilege command stays least-privilege.
 */
export const RECOMMENDED_V8_FLAGS = "--v8-flags=--max-semi-space-size=2";
