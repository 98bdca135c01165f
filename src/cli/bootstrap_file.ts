/**
 * Writing a `--bootstrap` config to disk, YAML or a typed TS module by the
 * file's extension, never over an existing file without `--force`.
 * @module
 */

import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bootstrapConfig, ConfigError, formatOf, renderModule, renderYaml } from "../config/mod.ts";
import type { Command } from "./args.ts";

/** Writes the config a bootstrap command describes; returns the path written. */
export async function writeBootstrapFile(
  command: Extract<Command, { kind: "bootstrap" }>,
  modUrl: URL,
): Promise<string> {
  const config = bootstrapConfig(command.bindings, command.bindHost);
  const format = formatOf(command.file);
  let text: string;
  if (format === "module") text = renderModule(config, moduleSpecifier(command.file, modUrl));
  else if (format === "json") text = `${JSON.stringify(config, null, 2)}\n`;
  else if (format === "yaml") text = renderYaml(config);
  else {throw new ConfigError([
      `${command.file}: unknown config format (use .yaml, .yml, .json or .ts)`,
    ]);}
  try {
    await Deno.writeTextFile(command.file, text, { createNew: !command.force });
  } catch (error) {
    const line = error instanceof Deno.errors.AlreadyExists
      ? `${command.file}: already exists; add --force to overwrite it`
      : error instanceof Deno.errors.NotCapable
      ? `${command.file}: no permission to write; add --allow-write=${command.file}`
      : `${command.file}: cannot write: ${(error as Error).message}`;
    throw new ConfigError([line], undefined, { cause: error });
  }
  return command.file;
}

function moduleSpecifier(file: string, modUrl: URL): string {
  if (modUrl.protocol !== "file:") return modUrl.href;
  const path = relative(dirname(resolve(file)), fileURLToPath(modUrl));
  return path.startsWith(".") ? path : `./${path}`;
}
