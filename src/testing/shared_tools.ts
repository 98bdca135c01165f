/**
 * Where the reference programs for tests and benches live: the real
 * Toxiproxy server and the original Go Iaido, in `../shared/tools/` beside
 * the repository (or wherever `IAIDO_SHARED_TOOLS` points). They are test
 * peers, never dependencies of the sidecar, so every caller must cope with
 * their absence (skip with a clear line).
 * @module
 */

/** The reference programs a test or bench may ask for. */
export type SharedToolName = "toxiproxy-server" | "iaido-go";

/** The folder the reference programs are looked for in. */
export function sharedToolsDir(): string {
  const fromEnv = Deno.env.get("IAIDO_SHARED_TOOLS");
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  return new URL("../../../shared/tools", import.meta.url).pathname;
}

/** The path of an executable reference program, or undefined when it is not there. */
export function sharedTool(name: SharedToolName): string | undefined {
  const path = `${sharedToolsDir()}/${name}`;
  try {
    const info = Deno.statSync(path);
    return info.isFile && (info.mode ?? 0o111) & 0o111 ? path : undefined;
  } catch {
    return undefined;
  }
}

/** The line a test or scenario prints when it skips for want of `name`. */
export function missingToolLine(name: SharedToolName): string {
  return `skipped: ${name} not found in ${sharedToolsDir()} (set IAIDO_SHARED_TOOLS to its folder)`;
}
