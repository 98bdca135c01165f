/**
 * YAML parsing through `npm:yaml`, with errors that name file, line and
 * column, and without needing `--allow-env`.
 * @module
 */

import process from "node:process";
import { parseDocument } from "npm:yaml@2.9.1";

/**
 * `npm:yaml` reads `LOG_TOKENS` and `LOG_STREAM` (debug switches) on every
 * parse. Under Deno that read throws unless `--allow-env` grants them, which
 * would make the documented least-privilege command fail. These two are
 * answered as unset unless the permission is already granted; every other
 * variable is untouched.
 */
const YAML_DEBUG_VARIABLES = new Set(["LOG_TOKENS", "LOG_STREAM"]);
// The guarded env objects; the guard is installed once per process.
const guardedEnvs = new WeakSet<object>();

function guardYamlDebugVariables(): void {
  const env = process.env;
  if (guardedEnvs.has(env)) return;
  // The target is a blank object: Deno's env is itself a proxy whose
  // descriptor lookups would throw during the engine's invariant checks.
  const guarded = new Proxy({}, {
    get(_target, key) {
      if (typeof key === "string" && YAML_DEBUG_VARIABLES.has(key)) {
        const state = Deno.permissions.querySync({ name: "env", variable: key }).state;
        if (state !== "granted") return undefined;
      }
      return Reflect.get(env, key);
    },
    set: (_target, key, value) => Reflect.set(env, key, value),
    has: (_target, key) => Reflect.has(env, key),
    deleteProperty: (_target, key) => Reflect.deleteProperty(env, key),
    ownKeys: () => Reflect.ownKeys(env),
    getOwnPropertyDescriptor: (_target, key) => Reflect.getOwnPropertyDescriptor(env, key),
  });
  guardedEnvs.add(guarded);
  Object.defineProperty(process, "env", { value: guarded, configurable: true, writable: true });
}

/** A YAML syntax problem, positioned. */
export interface YamlProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/**
 * Parses YAML text. Returns the value, or the syntax problems with 1-based
 * line and column.
 */
export function parseYaml(text: string): { value: unknown } | { problems: YamlProblem[] } {
  guardYamlDebugVariables();
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      problems: document.errors.map((error) => ({
        line: error.linePos?.[0].line ?? 0,
        column: error.linePos?.[0].col ?? 0,
        message: (error.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, ""),
      })),
    };
  }
  return { value: document.toJS() };
}
