/**
 * Finding the config when no `-c` is given: `iaido.config.ts`, then `.js`,
 * then `iaido.yaml`/`.yml`/`.json` in the working directory. Without read
 * permission a file's existence cannot be asked, so a module is probed by
 * importing it (which Deno allows for modules in the static graph, e.g.
 * beside `main.ts`) and a YAML/JSON file is taken on trust. The probes that
 * touch the file system and module loader are `denoProbes` in `load.ts`.
 * @module
 */

/** The file names looked for, in order of preference. */
export const CONFIG_CANDIDATES = [
  "iaido.config.ts",
  "iaido.config.js",
  "iaido.yaml",
  "iaido.yml",
  "iaido.json",
] as const;

/** What is known of one candidate. */
export type Presence = "present" | "absent" | "unknown";

/**
 * The candidate to use: the first present one; else the first YAML/JSON
 * one whose presence is unknown (loading it then names the read
 * permission to add); else undefined.
 */
export function pickConfig(presence: ReadonlyMap<string, Presence>): string | undefined {
  const present = CONFIG_CANDIDATES.find((name) => presence.get(name) === "present");
  if (present !== undefined) return present;
  return CONFIG_CANDIDATES.find((name) =>
    !name.startsWith("iaido.config.") && presence.get(name) === "unknown"
  );
}

/** How discovery touches the outside world (replaceable in tests). */
export interface DiscoveryProbes {
  /** Whether read permission for `path` is granted without asking. */
  canRead(path: string): boolean;
  /** Whether `path` exists as a file (called only when readable). */
  isFile(path: string): boolean;
  /** Imports a module: "present" when it loads or fails to compile, "absent" when not found. */
  tryImport(path: string): Promise<Presence>;
}

/**
 * Looks for a config in `dir`; returns the path to load (relative names,
 * as the user would type them), or undefined when none can be found.
 */
export async function discoverConfig(
  dir: string,
  probes: DiscoveryProbes,
): Promise<string | undefined> {
  const presence = new Map<string, Presence>();
  for (const name of CONFIG_CANDIDATES) {
    const path = `${dir}/${name}`;
    let found: Presence;
    if (probes.canRead(path)) found = probes.isFile(path) ? "present" : "absent";
    else if (name.startsWith("iaido.config.")) found = await probes.tryImport(path);
    else found = "unknown";
    presence.set(name, found);
    if (found === "present") break;
  }
  return pickConfig(presence);
}
