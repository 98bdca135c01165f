/**
 * The `deno run` flags the sidecar is documented and measured with.
 * @module
 */

/**
 * A 1 MiB young generation instead of V8's default of up to 16 MiB: the
 * young generation otherwise grows with connection churn and shows up as
 * ~7 KiB of RSS per idle proxied connection (measured with
 * `deno task bench --only idle-memory`: 22.4 → 15.3–16.1 KiB), with no
 * measurable cost in throughput or CPU per request. It is not a
 * permission: the least-privilege command stays least-privilege.
 */
export const RECOMMENDED_V8_FLAGS = "--v8-flags=--max-semi-space-size=1";
