/**
 * Turning errors into one clear message and an exit code: user errors
 * (usage, config, a port in use) never show a stack trace.
 * @module
 */

import { ConfigError } from "../config/mod.ts";
import { ListenError } from "../proxy/mod.ts";
import { UsageError } from "./args.ts";

/** Exit codes, as `--help` documents them. */
export const EXIT = { ok: 0, runtime: 1, usage: 2 } as const;

/** The exit code and message for an error that ended the program. */
export function describeFatal(error: unknown): { code: number; message: string } {
  if (error instanceof UsageError) {
    return { code: EXIT.usage, message: `error: ${error.message} (see --help)` };
  }
  if (error instanceof ConfigError) return { code: EXIT.usage, message: `error: ${error.message}` };
  if (error instanceof ListenError) {
    return { code: EXIT.runtime, message: `error: ${error.message}` };
  }
  if (error instanceof Deno.errors.NotCapable) {
    return {
      code: EXIT.runtime,
      message: `error: missing permission: ${error.message.replace(/, run again with.*$/, "")}` +
        " (run with --allow-net and --allow-read=<config file>; for an installed iaido" +
        " command, reinstall it with deno install -g -f --name iaido and those flags)",
    };
  }
  return { code: EXIT.runtime, message: `error: ${causeChain(error)}` };
}

function causeChain(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current !== undefined && parts.length < 5;) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(": ");
}
