/**
 * `deno task toxiproxy [-host H] [-port P] [-config FILE] [-seed N]
 * [-proxy-metrics] [-runtime-metrics] [-version] [--help]`: the
 * Toxiproxy-compatible server. Logs are JSON lines on stdout.
 *
 * @module
 */
import { parseFlags, USAGE, UsageError } from "./cli.ts";
import { TOXIPROXY_VERSION } from "./api.ts";
import { seededRandom } from "./random.ts";
import { type Log, LOG_LEVELS } from "./log.ts";
import { startToxiproxy } from "./start_toxiproxy.ts";

const LEVELS: readonly string[] = LOG_LEVELS;

function logLevel(): number {
  try {
    const wanted = Deno.env.get("LOG_LEVEL")?.toLowerCase();
    const index = wanted === undefined ? -1 : LEVELS.indexOf(wanted);
    return index < 0 ? 2 : index;
  } catch {
    return 2; // no --allow-env
  }
}

function logger(minimum: number): Log {
  return (level, message, fields = {}) => {
    if (LEVELS.indexOf(level) < minimum) return;
    console.log(JSON.stringify({ level, ...fields, time: new Date().toISOString(), message }));
  };
}

async function main(args: string[]): Promise<number> {
  let flags;
  try {
    flags = parseFlags(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    console.error(USAGE);
    return 0;
  }
  if (flags.version) {
    console.log(`toxiproxy-server version ${TOXIPROXY_VERSION}`);
    return 0;
  }
  const log = logger(logLevel());
  const stop = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => stop.abort());
  }
  let server;
  try {
    server = await startToxiproxy({
      hostname: flags.host,
      port: flags.port,
      metrics: flags.proxyMetrics,
      runtimeMetrics: flags.runtimeMetrics,
      signal: stop.signal,
      log,
      ...(flags.seed === undefined ? {} : { random: seededRandom(flags.seed) }),
    });
  } catch (error) {
    log("fatal", "Failed to start Toxiproxy HTTP server", { error: String(error) });
    return 1;
  }
  log("info", "Starting Toxiproxy HTTP server", {
    address: `${flags.host}:${server.port}`,
    url: server.url,
  });
  if (flags.config !== undefined) {
    try {
      const body = await Deno.readTextFile(flags.config);
      const response = await server.handler(
        new Request(`${server.url}/populate`, { method: "POST", body }),
      );
      const text = await response.text();
      if (response.ok) {
        const count = (JSON.parse(text).proxies ?? []).length;
        log("info", "Populated proxies from file", { config: flags.config, proxies: count });
      } else {
        log("error", "Failed to populate proxies from file", { config: flags.config, error: text });
      }
    } catch (error) {
      log("error", "Error reading config file", { config: flags.config, error: String(error) });
    }
  }
  await server.finished;
  log("info", "Shutdown complete");
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
