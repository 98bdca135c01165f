/**
 * `deno task demo`: three simulated regions behind Toxiproxy, the real
 * sidecar (`config/demo.config.ts`) in front of them, clients through it,
 * and a storyline — steady state → home outage → failover → home recovers
 * → failback — each step announced and judged. Exits non-zero when a step's
 * expectations were not met; leaves no process or port behind.
 * @module
 */

import { parseArgs } from "node:util";
import { loadConfig } from "../src/config/mod.ts";
import { RECOMMENDED_V8_FLAGS } from "../src/runtime/mod.ts";
import { type RunningCli, startSidecarCli } from "../src/testing/mod.ts";
import { failures, summaryLine } from "./display.ts";
import { Screen } from "./screen.ts";
import { pause, runLoad } from "./load.ts";
import demoConfig from "../config/demo.config.ts";
import { writeConfigFile } from "./config_file.ts";
import { startRegions } from "./regions.ts";
import { judgeStep, schedule, type SessionRecord, STORYLINE } from "./storyline.ts";

const CONFIG = new URL("../config/demo.config.ts", import.meta.url).pathname;
const HELP = `deno task demo [--duration SECONDS] [--loop] [--workers N]

Runs three simulated regions (home, near, far; two nodes each, 1/20/80 ms),
the sidecar in front of them, and client load, through a storyline:
steady state → home outage → failover → home recovers → failback.

  --duration SECONDS  length of one pass of the storyline (default 60, at least 40)
  --loop              repeat the storyline until Ctrl-C
  --workers N         concurrent clients (default 12; one in 4 holds its session
                      until the sidecar ends it, like a connection pool)

Exit code: 0 when every step met its expectations, 1 otherwise, 130 on Ctrl-C.`;

/** How one demo run goes. */
export interface DemoOptions {
  readonly durationMs: number;
  readonly loop: boolean;
  readonly workers: number;
}

/** The options from the command line, or the exit code when there is nothing to run. */
export function parseDemoArgs(args: readonly string[]): DemoOptions | number {
  const { values } = parseArgs({
    args: [...args],
    options: {
      duration: { type: "string", default: "60" },
      loop: { type: "boolean", default: false },
      workers: { type: "string", default: "12" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const durationMs = Math.max(40, Number(values.duration)) * 1000;
  const workers = Math.max(1, Math.floor(Number(values.workers)));
  if (!Number.isFinite(durationMs) || !Number.isFinite(workers)) {
    console.error("error: --duration and --workers take numbers (see --help)");
    return 2;
  }
  return { durationMs, loop: values.loop, workers };
}

/**
 * Runs the storyline until it ends or `stop` aborts; true when every step
 * met its expectations.
 */
export async function runDemo(
  options: DemoOptions,
  screen: Screen,
  stop: AbortController,
): Promise<boolean> {
  const { durationMs, workers } = options;
  const { config } = await loadConfig(CONFIG);
  const frontend = config.frontends[0];
  if (frontend === undefined) throw new Error(`${CONFIG}: no frontend`);
  await using regions = await startRegions(frontend.backendPool.tiers);
  await using file = await writeConfigFile(demoConfig, regions.port);
  let cli: RunningCli | undefined;
  let failed = false;
  try {
    const started = await startSidecarCli(["-c", file.path], 1, {
      permissions: [RECOMMENDED_V8_FLAGS, "--allow-net", `--allow-read=${file.path}`],
    });
    cli = started.cli;
    const address = started.addresses[0] as string;
    const dashboard = /^diagnostics on (\S+)$/m.exec(cli.stdout)?.[1];
    screen.say(`sidecar listening on ${address}; regions home → near → far (1, 20, 80 ms)`);
    screen.say(
      `config: config/demo.config.ts, its backends on free port ${regions.port} (the file says ${
        frontend.backendPool.tiers[0]?.targets[0]?.port
      })`,
    );
    if (dashboard !== undefined) {
      screen.say(
        `dashboard: ${dashboard}  (or: deno run --allow-net main.ts status --diag ${
          dashboard.slice(7, -1)
        })`,
      );
    }

    const records: SessionRecord[] = [];
    const load = runLoad(address, workers, records, stop.signal);
    do {
      const passStart = Date.now();
      const bounds = schedule(STORYLINE, durationMs);
      for (const [index, step] of STORYLINE.entries()) {
        if (stop.signal.aborted) break;
        const { start, end } = bounds[index] as { start: number; end: number };
        const stepStart = passStart + start;
        screen.say(`▶ ${step.title}`);
        if (step.action === "home outage") await regions.setRegionUp("home", false);
        if (step.action === "home recovers") await regions.setRegionUp("home", true);
        while (Date.now() < passStart + end && !stop.signal.aborted) {
          screen.draw(records, step.title, (Date.now() - passStart) / durationMs);
          if (!screen.tty && (Date.now() - stepStart) % 5000 < 250) {
            screen.say(summaryLine(records));
          }
          await pause(250, stop.signal);
        }
        if (stop.signal.aborted) break;
        const verdict = judgeStep(step, records, stepStart, passStart + end);
        failed ||= !verdict.ok;
        screen.say(`  ${verdict.ok ? "✓" : "✗"} ${verdict.detail}`);
      }
    } while (options.loop && !stop.signal.aborted);
    stop.abort();
    await load;
    screen.say(summaryLine(records));
    if (failures(records) > 0) failed = true;
  } finally {
    stop.abort();
    if (cli !== undefined) {
      cli.kill("SIGTERM");
      await cli.exited();
    }
  }
  return !failed;
}

/** The demo as a command: its exit code (0 passed, 1 expectations not met, 130 interrupted). */
export async function main(args: readonly string[]): Promise<number> {
  const options = parseDemoArgs(args);
  if (typeof options === "number") return options;
  const screen = new Screen();
  const stop = new AbortController();
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
    stop.abort();
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  Deno.addSignalListener("SIGTERM", onInterrupt);
  try {
    const passed = await runDemo(options, screen, stop);
    if (interrupted) {
      screen.say("interrupted; everything stopped");
      return 130;
    }
    screen.say(
      passed
        ? "demo finished: failover and failback as expected"
        : "demo finished: expectations NOT met",
    );
    return passed ? 0 : 1;
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
    Deno.removeSignalListener("SIGTERM", onInterrupt);
  }
}

if (import.meta.main) Deno.exitCode = await main(Deno.args);
