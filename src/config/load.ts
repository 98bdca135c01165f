/**
 * Reads a config file by its extension (`.yaml`/`.yml`, `.json`, `.ts`/`.js`
 * default export) and validates it. Every failure is a `ConfigError` whose
 * lines name the file and, for permissions, the flag to add.
 * @module
 */

import { ConfigError } from "./errors.ts";
import type { Config } from "./types.ts";
import { validateConfig } from "./validate.ts";
import { parseYaml } from "./yaml.ts";

/** A config file's kind, from its extension. */
export type ConfigFormat = "yaml" | "json" | "module";

/** A loaded config and the text it came from (to tell whether it changed). */
export interface LoadedConfig {
  readonly config: Config;
  /** What the file held before validation (to tell defaults from set values). */
  readonly input: unknown;
  readonly file: string;
  readonly text: string;
}

/** The format a path's extension names, or undefined. */
export function formatOf(path: string): ConfigFormat | undefined {
  const extension = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  if (extension === "yaml" || extension === "yml") return "yaml";
  if (extension === "json") return "json";
  if (["ts", "mts", "js", "mjs"].includes(extension)) return "module";
  return undefined;
}

/** Reads the file's text, turning I/O and permission errors into one clear line. */
export async function readConfigText(file: string): Promise<string> {
  try {
    return await Deno.readTextFile(file);
  } catch (error) {
    throw new ConfigError([describeReadError(file, error)], undefined, { cause: error });
  }
}

/**
 * Loads and validates a config file.
 *
 * @param file the path as the user gave it
 * @param text the file's text when already read (reload reads it first to see whether it changed)
 * @throws {ConfigError}
 */
export async function loadConfig(file: string, text?: string): Promise<LoadedConfig> {
  const format = formatOf(file);
  if (format === undefined) {
    throw new ConfigError([
      `${file}: unknown config format (use .yaml, .yml, .json, .ts or .js)`,
    ]);
  }
  const source = text ?? await readConfigText(file);
  const input = await parseSource(file, format, source);
  return { config: validateConfig(input, file), input, file, text: source };
}

async function parseSource(file: string, format: ConfigFormat, text: string): Promise<unknown> {
  switch (format) {
    case "yaml": {
      const parsed = parseYaml(text);
      if ("problems" in parsed) {
        throw new ConfigError(
          parsed.problems.map((p) => `${file}:${p.line}:${p.column}: ${p.message}`),
        );
      }
      return parsed.value ?? {};
    }
    case "json":
      try {
        return JSON.parse(text);
      } catch (error) {
        throw new ConfigError([`${file}: ${(error as Error).message}`], undefined, {
          cause: error,
        });
      }
    case "module":
      return await importDefault(file, text);
  }
}

async function importDefault(file: string, text: string): Promise<unknown> {
  // A fresh specifier per content, so an edited module is imported anew.
  const url = new URL(`?v=${await shortHash(text)}`, toFileUrl(file));
  let module: Record<string, unknown>;
  try {
    module = await import(url.href);
  } catch (error) {
    throw new ConfigError([describeImportError(file, error)], undefined, { cause: error });
  }
  if (!("default" in module)) {
    throw new ConfigError([`${file}: has no default export (export default defineConfig({ … }))`]);
  }
  return module.default;
}

function toFileUrl(file: string): URL {
  const absolute = file.startsWith("/") ? file : `${Deno.cwd()}/${file}`;
  return new URL(`file://${absolute.split("/").map(encodeURIComponent).join("/")}`);
}

async function shortHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** One line for a failed read, naming the file and the fix. */
export function describeReadError(file: string, error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return `${file}: config file not found`;
  if (error instanceof Deno.errors.NotCapable) {
    return `${file}: no permission to read the config file; add --allow-read=${file}`;
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return `${file}: the operating system denied reading the config file`;
  }
  if (error instanceof Deno.errors.IsADirectory) {
    return `${file}: is a directory, not a config file`;
  }
  return `${file}: cannot read the config file: ${(error as Error).message ?? String(error)}`;
}

function describeImportError(file: string, error: unknown): string {
  const message = (error as Error).message ?? String(error);
  const needs = /Requires read access to "([^"]+)"/.exec(message)?.[1];
  if (needs !== undefined) {
    return `${file}: the config module imports ${needs}, which needs read permission; ` +
      `add --allow-read=${file},${needs}`;
  }
  return `${file}: cannot load the config module: ${message.split("\n")[0]}`;
}
