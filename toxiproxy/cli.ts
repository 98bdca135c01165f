/**
 * The server's command line, read the way Go's `flag` package reads it
 * (`-port 8474`, `--port=8474`, `-proxy-metrics`), and its usage text.
 * @module
 */

/** The parsed command line of the server. */
export interface ServerFlags {
  readonly host: string;
  readonly port: number;
  readonly config: string | undefined;
  readonly seed: number | undefined;
  readonly proxyMetrics: boolean;
  readonly runtimeMetrics: boolean;
  readonly version: boolean;
  readonly help: boolean;
}

/** A command line that cannot be used; the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {
  /** @param message Go's flag-package wording. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The usage text, flag by flag like Go's flag package prints it. */
export const USAGE = `Usage of toxiproxy-server:
  -config string
    \tJSON file containing proxies to create on startup
  -host string
    \tHost for toxiproxy's API to listen on (default "localhost")
  -port string
    \tPort for toxiproxy's API to listen on (default "8474")
  -proxy-metrics
    \tenable toxiproxy-specific metrics
  -runtime-metrics
    \tenable runtime-related metrics
  -seed int
    \tSeed for randomizing toxics with (default: a random seed)
  -version
    \tprint the version (2.12.0)

Exit codes: 0 on a clean stop, -version or -help; 1 when the API cannot listen; 2 on a bad flag.
Env: LOG_LEVEL (trace, debug, info, warn, error, fatal, panic) when --allow-env is given.
`;

const BOOL_FLAGS = new Set(["proxy-metrics", "runtime-metrics", "version", "help", "h"]);
const VALUE_FLAGS = new Set(["host", "port", "config", "seed"]);

/**
 * Parses flags the way Go's flag package does: `-name`, `--name`,
 * `-name=value` or `-name value`; parsing stops at the first non-flag.
 */
export function parseFlags(args: readonly string[]): ServerFlags {
  const values = new Map<string, string>();
  const bools = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") break;
    if (!arg.startsWith("-") || arg === "-") break;
    const body = arg.replace(/^--?/, "");
    const eq = body.indexOf("=");
    const name = eq < 0 ? body : body.slice(0, eq);
    if (BOOL_FLAGS.has(name)) {
      const text = eq < 0 ? "true" : body.slice(eq + 1);
      if (!/^(1|0|t|f|true|false|TRUE|FALSE|True|False|T|F)$/.test(text)) {
        throw new UsageError(`invalid boolean value "${text}" for -${name}: parse error`);
      }
      if (/^(1|t|true|T|TRUE|True)$/.test(text)) bools.add(name);
      else bools.delete(name);
    } else if (VALUE_FLAGS.has(name)) {
      if (eq >= 0) values.set(name, body.slice(eq + 1));
      else if (i + 1 < args.length) values.set(name, args[++i]!);
      else throw new UsageError(`flag needs an argument: -${name}`);
    } else {
      throw new UsageError(`flag provided but not defined: -${name}`);
    }
  }
  const portText = values.get("port") ?? "8474";
  const port = Number(portText);
  if (!/^[0-9]+$/.test(portText) || port > 65535) {
    throw new UsageError(`invalid value "${portText}" for flag -port: must be 0-65535`);
  }
  const seedText = values.get("seed");
  if (seedText !== undefined && !/^-?[0-9]+$/.test(seedText)) {
    throw new UsageError(`invalid value "${seedText}" for flag -seed: parse error`);
  }
  return {
    host: values.get("host") ?? "localhost",
    port,
    config: values.get("config"),
    seed: seedText === undefined ? undefined : Number(seedText),
    proxyMetrics: bools.has("proxy-metrics"),
    runtimeMetrics: bools.has("runtime-metrics"),
    version: bools.has("version"),
    help: bools.has("help") || bools.has("h"),
  };
}
