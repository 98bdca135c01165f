/**
 * The process's soft limit on open file descriptors, read from
 * `/proc/self/limits` when Deno lets us. Deno 2.9 grants `/proc/self/*`
 * only with `--allow-all` (it counts as privileged), so under the
 * sidecar's least-privilege flags the limit is usually unknown: then the
 * headroom learns it from the first EMFILE instead (see `FdHeadroom`).
 * The permission is queried first, so reading never prompts.
 * @module
 */

const LIMITS_PATH = "/proc/self/limits";

/** The soft "Max open files" in a `/proc/<pid>/limits` text; undefined when absent or unlimited. */
export function parseOpenFilesLimit(text: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith("Max open files"));
  const soft = line?.slice("Max open files".length).trim().split(/\s+/)[0];
  const limit = Number(soft);
  return Number.isSafeInteger(limit) && limit > 0 ? limit : undefined;
}

/** The soft descriptor limit, when this process may read it (Linux, `--allow-all`); never prompts. */
export function readFdSoftLimit(): number | undefined {
  try {
    const state = Deno.permissions.querySync({ name: "read", path: LIMITS_PATH }).state;
    if (state !== "granted") return undefined;
    return parseOpenFilesLimit(Deno.readTextFileSync(LIMITS_PATH));
  } catch {
    // Not Linux, or not readable after all: the limit stays unknown.
    return undefined;
  }
}
