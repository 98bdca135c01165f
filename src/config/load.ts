/**
 * Reads a config file by its extension (`.yaml`/`.yml`, `.json`, `.ts`/`.js`
 * default export) and validates it. YAML and JSON are parsed in a Worker
 * with a wall-clock and size limit; a module is imported on the main
 * thread at startup (so a config in Deno's static module graph needs no
 * read permission) and in a fresh Worker on reload (a fresh module graph,
 * so edits to the modules it imports count too). Every failure is a
 * `ConfigError` whose lines name the file, the line where known, and for
 * permissions the flag to add.
 * @module
 */

import type { DiscoveryProbes, Presence } from "./discover.ts";
import { ConfigError } from "./errors.ts";
import {
  DEFAULT_LOAD_LIMITS,
  type LoadLimits,
  type LoadReply,
  type LoadWorker,
  runInWorker,
} from "./load_worker.ts";
import { type Scheduler, systemScheduler } from "../scheduler.ts";
import type { Config } from "./types.ts";
import { validateConfig } from "./validate.ts";

/** A config file's kind, from its extension. */
export type ConfigFormat = "yaml" | "json" | "module";

/** A loaded config and the text it came from (to tell whether it changed). */
export interface LoadedConfig {
  readonly config: Config;
  /** What the file held before validation (to tell defaults from set values). */
  readonly input: unknown;
  readonly file: string;
  /** The file's text; undefined for a module that could not be read as text. */
  readonly text: string | undefined;
  /** Set when a module was re-imported without the modules it imports, and why. */
  readonly partial?: string;
}

/** How a load is done. */
export interface LoadOptions {
  /** The file's text when already read (reload reads it first to see whether it changed). */
  readonly text?: string;
  /**
   * 0 at startup; each reload counts up. A module is imported afresh
   * (in a new Worker) when it is above 0.
   */
  readonly generation?: number;
  readonly limits?: LoadLimits;
  /** Times the Worker's wall-clock limit. @default the system scheduler */
  readonly scheduler?: Scheduler;
  /** A Worker kept for YAML/JSON loads. @default a new Worker per load */
  readonly worker?: LoadWorker;
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
 * @param options the text when already read (or, for compatibility, the text itself)
 * @throws {ConfigError}
 */
export async function loadConfig(
  file: string,
  options: LoadOptions | string = {},
): Promise<LoadedConfig> {
  const {
    text,
    generation = 0,
    limits = DEFAULT_LOAD_LIMITS,
    scheduler = systemScheduler,
    worker,
  } = typeof options === "string" ? { text: options } : options;
  const format = formatOf(file);
  if (format === undefined) {
    throw new ConfigError([
      `${file}: unknown config format (use .yaml, .yml, .json, .ts or .js)`,
    ]);
  }
  if (format === "module") {
    // The text, when readable, only tells a later reload whether the file changed.
    // (Asked first, so an interactive terminal gets no permission prompt.)
    const readable = Deno.permissions.querySync({ name: "read", path: file }).state === "granted";
    const known = text ??
      (readable ? await readConfigText(file).catch(() => undefined) : undefined);
    const { input, partial } = await importModule(file, generation, limits, scheduler);
    return {
      config: validateConfig(input, file),
      input,
      file,
      text: known,
      ...(partial === undefined ? {} : { partial }),
    };
  }
  const source = text ?? await readConfigText(file);
  if (source.length > limits.maxBytes) {
    throw new ConfigError([
      `${file}: is ${source.length} bytes, more than the ${limits.maxBytes}-byte limit`,
    ]);
  }
  const input = valueOf(
    file,
    await (worker === undefined
      ? runInWorker({ kind: format, text: source }, limits, scheduler)
      : worker.run({ kind: format, text: source }, limits)),
    limits,
  );
  return { config: validateConfig(input, file), input, file, text: source };
}

function valueOf(file: string, reply: LoadReply, limits: LoadLimits): unknown {
  if ("value" in reply) return reply.value;
  if ("timedOut" in reply) {
    throw new ConfigError([
      `${file}: took longer than ${limits.timeoutMs} ms to load (the limit); is it huge or hostile?`,
    ]);
  }
  if ("problems" in reply) {
    throw new ConfigError(
      reply.problems.map((p) =>
        p.line > 0 ? `${file}:${p.line}:${p.column}: ${p.message}` : `${file}: ${p.message}`
      ),
    );
  }
  if ("noDefault" in reply) throw noDefaultExport(file);
  throw new ConfigError([describeImportError(file, reply.importError)]);
}

async function importModule(
  file: string,
  generation: number,
  limits: LoadLimits,
  scheduler: Scheduler,
): Promise<{ input: unknown; partial?: string }> {
  const url = toFileUrl(file);
  let partial: string | undefined;
  if (generation > 0) {
    const reply = await runInWorker({ kind: "module", url: url.href }, limits, scheduler);
    // A Worker needs read permission for every local module it imports;
    // without it, fall back to re-importing the config module alone.
    const needs = "importError" in reply
      ? /Requires read access to "([^"]+)"/.exec(reply.importError)?.[1]
      : undefined;
    if (needs === undefined) return { input: valueOf(file, reply, limits) };
    partial = `the modules it imports were not re-read: ${needs} needs read permission; ${
      readFlagHint(needs.slice(0, needs.lastIndexOf("/")) || "/")
    }`;
    url.searchParams.set("generation", String(generation));
  }
  let module: Record<string, unknown>;
  try {
    module = await import(url.href);
  } catch (error) {
    throw new ConfigError(
      [describeImportError(file, (error as Error).message ?? String(error))],
      undefined,
      {
        cause: error,
      },
    );
  }
  if (!("default" in module)) throw noDefaultExport(file);
  return partial === undefined ? { input: module.default } : { input: module.default, partial };
}

function noDefaultExport(file: string): ConfigError {
  return new ConfigError([`${file}: has no default export (export default defineConfig({ … }))`]);
}

/**
 * The permission hint: the flag to add, and for an installed `iaido`
 * command (whose flags were fixed at install time) how to reinstall.
 */
export function readFlagHint(paths: string): string {
  return `add --allow-read=${paths} (an installed iaido command: reinstall it with ` +
    `deno install -g -f --name iaido … --allow-read=${paths} …)`;
}

/** One line for a failed read, naming the file and the fix. */
export function describeReadError(file: string, error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return `${file}: config file not found`;
  if (error instanceof Deno.errors.NotCapable) {
    return `${file}: no permission to read the config file; ${readFlagHint(file)}`;
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return `${file}: the operating system denied reading the config file`;
  }
  if (error instanceof Deno.errors.IsADirectory) {
    return `${file}: is a directory, not a config file`;
  }
  return `${file}: cannot read the config file: ${(error as Error).message ?? String(error)}`;
}

/**
 * One line for a failed import: a missing read permission names the flag;
 * a syntax error keeps the module's line and column.
 */
export function describeImportError(file: string, message: string): string {
  const needs = /Requires read access to "([^"]+)"/.exec(message)?.[1];
  if (needs !== undefined) {
    const paths = needs === absolutePath(file) || needs === file ? file : `${file},${needs}`;
    return `${file}: the config module ${
      paths === file ? "" : `imports ${needs}, which `
    }needs read permission; ${readFlagHint(paths)}`;
  }
  if (/Module not found/.test(message) && message.includes(toFileUrl(file).href)) {
    return `${file}: config file not found`;
  }
  const position = /at (file:\/\/\S+?):(\d+):(\d+)\s*$/m.exec(message);
  const first = (message.split("\n")[0] ?? "").replace(/^(TypeError: )?(SyntaxError: )?/, "");
  if (position !== null) {
    const where = decodeURIComponent(new URL(position[1] as string).pathname);
    const shown = where === absolutePath(file) ? file : where;
    return `${shown}:${position[2]}:${position[3]}: ${first}`;
  }
  return `${file}: cannot load the config module: ${first}`;
}

function absolutePath(file: string): string {
  return decodeURIComponent(toFileUrl(file).pathname);
}

/** The real probes, against the file system and Deno's module loader. */
export const denoProbes: DiscoveryProbes = {
  canRead: (path) => Deno.permissions.querySync({ name: "read", path }).state === "granted",
  isFile: (path) => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false;
    }
  },
  tryImport: async (path): Promise<Presence> => {
    try {
      await import(toFileUrl(path).href);
      return "present";
    } catch (error) {
      const message = (error as Error).message ?? "";
      if (/Module not found|No such file/i.test(message)) return "absent";
      if (/Requires read access/.test(message)) return "unknown";
      return "present"; // It exists but fails to load: loading it again reports why.
    }
  },
};

/** A file path as a `file:` URL, relative paths resolved against the working directory. */
export function toFileUrl(file: string): URL {
  const absolute = file.startsWith("/") ? file : `${Deno.cwd()}/${file}`;
  return new URL(`file://${absolute.split("/").map(encodeURIComponent).join("/")}`);
}
