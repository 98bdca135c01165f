/**
 * The `iaido` command: flags → help | version | bootstrap | check | run.
 * Wiring only; everything that decides lives under `src/`.
 * @module
 */

import denoJson from "./deno.json" with { type: "json" };
import {
  type Command,
  describeFatal,
  EXIT,
  formatStatusTable,
  helpText,
  parseCommandLine,
  startupLine,
  writeBootstrapFile,
} from "./src/cli/mod.ts";
import type { Status } from "./src/diag/mod.ts";
import {
  CONFIG_CANDIDATES,
  ConfigError,
  denoProbes,
  discoverConfig,
  formatConfig,
  formatOf,
  LoadWorker,
} from "./src/config/mod.ts";
// Through mod.ts, so a TS config importing mod.ts needs no extra read permission.
import { loadConfig } from "./mod.ts";
import { createLogger } from "./src/log/mod.ts";
import {
  ConfigReloader,
  launchSidecar,
  listenForSignals,
  SHUTDOWN_SIGNALS,
} from "./src/runtime/mod.ts";
import { systemScheduler } from "./src/scheduler.ts";

const VERSION = denoJson.version;

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCommandLine(argv);
  switch (command.kind) {
    case "help":
      console.log(helpText(VERSION));
      return EXIT.ok;
    case "version":
      console.log(`iaido ${VERSION}`);
      return EXIT.ok;
    case "bootstrap": {
      const file = await writeBootstrapFile(command, new URL("./mod.ts", import.meta.url));
      console.log(`wrote bootstrapped configuration file to ${file}`);
      return EXIT.ok;
    }
    case "check": {
      const { config } = await loadConfig(command.file ?? await findConfig());
      console.log(formatConfig(config).trimEnd());
      return EXIT.ok;
    }
    case "status":
      return await showStatus(command.diag);
    case "run":
      return await run(command);
  }
}

async function showStatus(diag: string): Promise<number> {
  let status: Status;
  try {
    const response = await fetch(`http://${diag}/statusz`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    status = await response.json();
  } catch (error) {
    console.error(
      `error: cannot read status from http://${diag}/statusz: ${(error as Error).message}`,
    );
    return EXIT.runtime;
  }
  console.log(formatStatusTable(status));
  return EXIT.ok;
}

/**
 * A config beside this file joins Deno's static module graph through these
 * imports (never called), so `deno run --allow-net main.ts` can import it
 * without --allow-read.
 */
export const CONFIG_BESIDE_MAIN = [
  () => import("./iaido.config.ts"),
  () => import("./iaido.config.js"),
] as const;

/** The config in the working directory, or a ConfigError saying what was looked for. */
async function findConfig(): Promise<string> {
  const found = await discoverConfig(Deno.cwd(), denoProbes);
  if (found !== undefined) return found;
  throw new ConfigError([
    `no config file in ${Deno.cwd()} (looked for ${
      CONFIG_CANDIDATES.join(", ")
    }); write one with -b, or name one with -c`,
  ]);
}

function canRead(path: string): boolean {
  return Deno.permissions.querySync({ name: "read", path }).state === "granted";
}

async function run(command: Extract<Command, { kind: "run" }>): Promise<number> {
  const log = createLogger({ format: command.logFormat, level: command.logLevel });
  const file = command.file ?? await findConfig();
  const { config, text, input } = await loadConfig(file);
  const folder = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) || "/" : ".";
  console.log(startupLine(file, {
    format: formatOf(file) ?? "yaml",
    readFile: canRead(file),
    readFolder: canRead(folder),
    folder,
    pollMs: command.reloadPeriodMs,
  }));
  // The reloader's Worker has loaded its code before any socket listens (see LoadWorker.ready).
  const worker = new LoadWorker(systemScheduler);
  if (formatOf(file) !== "module") await worker.ready();
  // The reloader needs the sidecar and diagnostics need the reloader's status.
  const reload: { reloader?: ConfigReloader } = {};
  const sidecar = await launchSidecar(config, {
    log,
    version: VERSION,
    configInput: input,
    reloadStatus: () => reload.reloader?.status,
  }).catch((error) => {
    // A live Worker would keep the process from exiting with its error code.
    worker[Symbol.dispose]();
    throw error;
  });
  const announce = (addresses: ReadonlySet<string>) => {
    for (const frontend of sidecar.frontends) {
      if (addresses.has(frontend.address)) continue;
      console.log(`listening on ${frontend.address}`);
      log.info("frontend listening", { frontend: frontend.name, address: frontend.address });
    }
  };
  const reloader = new ConfigReloader({
    file,
    initialText: text,
    pollMs: command.reloadPeriodMs,
    log,
    scheduler: systemScheduler,
    worker,
    apply: async (loaded) => {
      const before = new Set(sidecar.frontends.map((f) => f.address));
      const result = await sidecar.apply(loaded.config, loaded.input);
      announce(before);
      log.info("config applied", {
        added: result.added.join(",") || undefined,
        removed: result.removed.join(",") || undefined,
        kept: result.kept.length,
      });
    },
  });
  reload.reloader = reloader;
  // Signal handlers go in before "listening on": a supervisor may signal as soon as it reads it.
  reloader.start();
  const stop = Promise.withResolvers<Deno.Signal>();
  let stopping = false;
  using _signals = listenForSignals(SHUTDOWN_SIGNALS, (signal) => {
    if (!stopping) {
      stopping = true;
      stop.resolve(signal);
      return;
    }
    log.warn("second signal during shutdown: exiting now", { signal });
    log.flush();
    Deno.exit(EXIT.runtime);
  });
  announce(new Set());
  if (sidecar.diagAddress !== undefined) {
    console.log(`diagnostics on http://${sidecar.diagAddress}/`);
  }
  if (sidecar.healthAddress !== undefined) {
    console.log(`health on http://${sidecar.healthAddress}/`);
  }
  const signal = await stop.promise;
  await reloader[Symbol.asyncDispose]();
  log.info("shutting down", { signal, graceMs: sidecar.config.gracePeriodMs });
  const result = await sidecar.shutdown();
  log.info(result === "drained" ? "every session finished" : "grace period over: closed sessions", {
    result,
  });
  return EXIT.ok;
}

if (import.meta.main) {
  try {
    Deno.exitCode = await main(Deno.args);
  } catch (error) {
    const { code, message } = describeFatal(error);
    console.error(message);
    Deno.exitCode = code;
  }
}
