/**
 * The command line, parsed into one command. Iaido's flag names are kept,
 * and Go's single-dash long form (`-bootstrapAddr`) is accepted too.
 * @module
 */

import { parseArgs } from "node:util";
import { type Binding, parseBinding, parseDuration, parseHostPort } from "../config/mod.ts";
import type { Level } from "../log/mod.ts";

/** What the user asked for. */
export type Command =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | {
    readonly kind: "bootstrap";
    readonly file: string;
    readonly bindings: readonly Binding[];
    readonly bindHost: string;
    readonly force: boolean;
  }
  | { readonly kind: "check"; readonly file: string | undefined }
  | { readonly kind: "status"; readonly diag: string }
  | {
    readonly kind: "run";
    /** Undefined when no `-c` was given: the config is looked for (see `discoverConfig`). */
    readonly file: string | undefined;
    readonly reloadPeriodMs: number;
    readonly logFormat: "text" | "json";
    readonly logLevel: Level;
  };

/** A command line that cannot be understood; exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const OPTIONS = {
  config: { type: "string", short: "c" },
  bootstrap: { type: "string", short: "b", multiple: true },
  bootstrapAddr: { type: "string", default: "127.0.0.1" },
  force: { type: "boolean", short: "f", default: false },
  check: { type: "boolean", default: false },
  reloadPeriod: { type: "string", default: "1s" },
  "log-format": { type: "string", default: "text" },
  "log-level": { type: "string", default: "info" },
  version: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

const LONG_NAMES = new Set([...Object.keys(OPTIONS), "diag"]);
const LEVELS: readonly string[] = ["debug", "info", "warn", "error"];

/**
 * Parses `argv` (without the program name).
 *
 * @throws {UsageError} naming the flag that is wrong
 */
export function parseCommandLine(argv: readonly string[]): Command {
  if (argv[0] === "status") return parseStatus(argv.slice(1));
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.map(goStyleToLong),
      options: OPTIONS,
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify.*$/s, ""));
  }
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };
  const file = values.config;
  if (file === "") throw new UsageError("--config: must name a file");
  if (values.bootstrap !== undefined && file === undefined) {
    return bootstrapCommand(values.bootstrap, "iaido.yaml", values.bootstrapAddr, values.force);
  }
  if (values.bootstrap !== undefined && file !== undefined) {
    return bootstrapCommand(values.bootstrap, file, values.bootstrapAddr, values.force);
  }
  if (values.check) return { kind: "check", file };
  let reloadPeriodMs: number;
  try {
    reloadPeriodMs = parseDuration(values.reloadPeriod);
  } catch (error) {
    throw new UsageError(`--reloadPeriod: ${(error as Error).message}`);
  }
  if (reloadPeriodMs < 0) throw new UsageError(`--reloadPeriod: must not be negative`);
  const logFormat = values["log-format"];
  if (logFormat !== "text" && logFormat !== "json") {
    throw new UsageError(`--log-format: must be text or json, got ${JSON.stringify(logFormat)}`);
  }
  const logLevel = values["log-level"];
  if (!LEVELS.includes(logLevel)) {
    throw new UsageError(
      `--log-level: must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(logLevel)}`,
    );
  }
  return { kind: "run", file, reloadPeriodMs, logFormat, logLevel: logLevel as Level };
}

function bootstrapCommand(
  texts: readonly string[],
  file: string,
  bindHost: string,
  force: boolean,
): Command {
  const bindings = texts.map((text) => {
    const binding = parseBinding(text);
    if (typeof binding === "string") throw new UsageError(binding);
    return binding;
  });
  return { kind: "bootstrap", file, bindings, bindHost, force };
}

/** The diagnostics address `iaido status` asks by default (what --bootstrap writes). */
export const DEFAULT_DIAG = "127.0.0.1:13013";

function parseStatus(argv: readonly string[]): Command {
  try {
    const { values } = parseArgs({
      args: argv.map(goStyleToLong),
      options: {
        diag: { type: "string", default: DEFAULT_DIAG },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: false,
      strict: true,
    });
    if (values.help) return { kind: "help" };
    const problem = parseHostPort(values.diag);
    if (typeof problem === "string") throw new UsageError(`--diag: ${problem}`);
    return { kind: "status", diag: values.diag };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`status: ${(error as Error).message.replace(/\. To specify.*$/s, "")}`);
  }
}

function goStyleToLong(arg: string): string {
  const match = /^-([A-Za-z][\w-]+)(=.*)?$/.exec(arg);
  return match !== null && LONG_NAMES.has(match[1] as string) ? `-${arg}` : arg;
}

/** The `--help` text. */
export function helpText(version: string): string {
  return `iaido ${version} — a sidecar TCP proxy for multi-region applications

Usage:
  iaido [-c FILE] [--reloadPeriod 1s]     run the sidecar
  iaido -c FILE --check                     validate FILE and print it with defaults
  iaido -c FILE -b LOCAL:HOST:REMOTE[@TIER] ...  write a starting config
  iaido status [--diag ADDR]                show a running sidecar's backends and decisions
                                            (ADDR is its diagAddr; default 127.0.0.1:13013)

Flags:
  -c, --config FILE           config file: .yaml/.yml, .json, .ts/.js (default: the first of
                              iaido.config.ts, iaido.config.js, iaido.yaml, iaido.yml,
                              iaido.json in the working directory; iaido.yaml for -b)
  -b, --bootstrap L:HOST:R[@TIER]  (repeatable) bind local port L, forward to HOST:R;
                              @TIER names its tier (tiers in order of first mention)
      --bootstrapAddr ADDR    address the bootstrapped frontends bind (default 127.0.0.1)
  -f, --force                 let --bootstrap overwrite an existing file
      --check                 load and validate the config, print it normalized, exit
      --reloadPeriod DURATION how often to poll the config file for changes (default 1s)
      --log-format text|json  log line format on stderr (default text)
      --log-level LEVEL       debug, info, warn or error (default info)
      --version               print the version
  -h, --help                  print this help

Signals:
  SIGTERM, SIGINT             stop accepting, let sessions finish for gracePeriod, then
                              close them; a second signal exits at once

Exit codes:
  0  clean exit (sessions drained, or --check/--bootstrap succeeded)
  1  runtime failure (cannot listen, second signal during shutdown, unexpected error)
  2  usage or config error

Permissions: --allow-net; --allow-read for a YAML/JSON config. A TS/JS config beside
main.ts needs no --allow-read; with --allow-read for its folder it is also reloaded on
change, and SIGHUP re-imports it with every module it imports.
`;
}
