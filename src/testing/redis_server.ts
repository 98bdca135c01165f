/**
 * The command line of a throwaway redis-server on loopback, for the chaos
 * suite and the bench alike: no persistence, no daemon, one port.
 * @module
 */

/** Where and how a throwaway redis-server runs. */
export interface RedisServerOptions {
  /** Its working directory. @default the process's */
  readonly dir?: string;
  /** @default 10000 */
  readonly maxClients?: number;
  /** @default "warning" */
  readonly logLevel?: "debug" | "verbose" | "notice" | "warning";
}

/** `redis-server` arguments for `127.0.0.1:port` with no persistence. */
export function redisServerArgs(port: number, options: RedisServerOptions = {}): string[] {
  const { dir, maxClients = 10_000, logLevel = "warning" } = options;
  return [
    "--bind",
    "127.0.0.1",
    "--port",
    String(port),
    "--save",
    "",
    "--appendonly",
    "no",
    "--daemonize",
    "no",
    "--protected-mode",
    "no",
    "--maxclients",
    String(maxClients),
    "--loglevel",
    logLevel,
    ...(dir === undefined ? [] : ["--dir", dir]),
  ];
}
