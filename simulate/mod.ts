/**
 * `deno task simulate`: a fleet of sidecars — the real balancer on a
 * virtual clock — through a scripted outage and recovery. For each fleet
 * size it runs the scenario as configured and again without slow start
 * and failback jitter, prints one line each
 * (`1000 sidecars, defaults: home peak/steady 1.7× …`) and writes a
 * self-contained HTML report.
 *
 * Flags: `--scenario FILE` (default simulate/scenarios/default.yaml),
 * `--sidecars N[,N]`, `--seed N`, `--report FILE.html` (default
 * out/simulate.html), `--svg FILE.svg` (the peak chart alone), `--serial`.
 * Exit codes: 0 done, 2 usage or scenario error.
 * @module
 */

import { parseArgs } from "node:util";
import { ConfigError } from "../src/config/mod.ts";
import {
  renderComparison,
  renderReport,
  type ReportMark,
  type ReportRun,
  summaryLine,
} from "./report.ts";
import { type RunRequest, runRequest, type Variant } from "./run.ts";
import { parseScenario, readScenarioValue, type Scenario } from "./scenario.ts";

export { simulateFleet } from "./fleet.ts";
export { type PeakFigures, peakFigures } from "./metrics.ts";
export { type RunRequest, runRequest, variantLabel, variantOf } from "./run.ts";
export { loadScenario, parseScenario, type Scenario } from "./scenario.ts";

const DEFAULT_SCENARIO = new URL("./scenarios/default.yaml", import.meta.url).pathname;

const USAGE = `usage: deno task simulate [--scenario FILE] [--sidecars N[,N]] [--seed N]
                         [--report FILE.html] [--svg FILE.svg] [--serial]

Simulates a fleet of sidecars (the real balancer on a virtual clock) through the
scenario's outages and recoveries; prints one line per fleet size and variant.
Default scenario: simulate/scenarios/default.yaml; report: out/simulate.html.`;

/** Runs requests on up to `parallel` workers; results in request order. */
async function runAll(requests: readonly RunRequest[], parallel: number): Promise<ReportRun[]> {
  if (parallel <= 1) return requests.map(runRequest);
  const results: ReportRun[] = new Array(requests.length);
  // Largest fleets first, so the long runs do not end up last on one core.
  const order = requests.map((_, i) => i).sort((a, b) =>
    (requests[b] as RunRequest).sidecars - (requests[a] as RunRequest).sidecars
  );
  let next = 0;
  const lane = async () => {
    while (next < order.length) {
      const index = order[next++] as number;
      const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
      try {
        results[index] = await new Promise<ReportRun>((resolve, reject) => {
          worker.onmessage = (event) =>
            event.data.ok ? resolve(event.data.run) : reject(new Error(event.data.error));
          worker.onerror = (event) => {
            event.preventDefault();
            reject(new Error(event.message));
          };
          worker.postMessage(requests[index]);
        });
      } finally {
        worker.terminate();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, requests.length) }, lane));
  return results;
}

function marksOf(scenario: Scenario): ReportMark[] {
  return scenario.events.flatMap((event) => [
    ...(event.down.length === 0
      ? []
      : [{ atMs: event.atMs, label: `${event.down.join(", ")} down`, kind: "fault" as const }]),
    ...(event.up.length === 0
      ? []
      : [{ atMs: event.atMs, label: `${event.up.join(", ")} up`, kind: "heal" as const }]),
  ]);
}

async function main(args: string[]): Promise<number> {
  let flags;
  try {
    flags = parseArgs({
      args,
      options: {
        scenario: { type: "string" },
        sidecars: { type: "string" },
        seed: { type: "string" },
        report: { type: "string" },
        svg: { type: "string" },
        serial: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const file = flags.scenario ?? DEFAULT_SCENARIO;
  let scenario: Scenario;
  let value: unknown;
  try {
    value = await readScenarioValue(file);
    scenario = parseScenario(value, file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`error: ${error.message}`);
    return 2;
  }
  let sizes = scenario.fleetSizes;
  if (flags.sidecars !== undefined) {
    sizes = flags.sidecars.split(",").map((s) => Number(s.trim()));
    if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 1_000_000)) {
      console.error(`error: --sidecars: want whole numbers 1-1000000, got ${flags.sidecars}`);
      return 2;
    }
  }
  const seed = flags.seed === undefined ? scenario.seed : Number(flags.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    console.error(`error: --seed: want a whole number 0-4294967295, got ${flags.seed}`);
    return 2;
  }
  const variants: Variant[] = ["configured", "bare"];
  const requests = sizes.flatMap((sidecars) =>
    variants.map((variant) => ({ value, file, seed, sidecars, variant }))
  );
  const startedAt = new Date().toISOString();
  const start = performance.now();
  const parallel = flags.serial ? 1 : Math.max(1, Math.min(4, navigator.hardwareConcurrency));
  const runs = await runAll(requests, parallel);
  const tierNames = scenario.frontend.backendPool.tiers.map((tier) => tier.name);
  const watched = tierNames[scenario.watchTier] ?? "tier-0";
  for (const run of runs) console.log(summaryLine(run, watched));
  const meta = {
    scenarioFile: file,
    scenarioText: await Deno.readTextFile(file),
    tierNames,
    watchTier: scenario.watchTier,
    marks: marksOf(scenario),
    startedAt,
    totalMs: performance.now() - start,
  };
  const report = flags.report ?? "out/simulate.html";
  await Deno.mkdir(dirOf(report), { recursive: true });
  await Deno.writeTextFile(report, renderReport(runs, meta));
  console.log(`report: ${report} (${(meta.totalMs / 1000).toFixed(1)}s)`);
  if (flags.svg !== undefined) {
    const largest = Math.max(...sizes);
    await Deno.mkdir(dirOf(flags.svg), { recursive: true });
    await Deno.writeTextFile(
      flags.svg,
      renderComparison(runs.filter((run) => run.sidecars === largest), meta) + "\n",
    );
    console.log(`chart: ${flags.svg}`);
  }
  return 0;
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "." : path.slice(0, slash);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
