/**
 * Helpers the scenarios share: regions and a sidecar that clean up after
 * themselves, condition waits bounded by the scenario's deadline, and
 * mapping sidecar log lines back to nodes and scenario time.
 * @module
 */

import type { ConfigInput } from "../../mod.ts";
import { waitFor } from "../../src/testing/mod.ts";
import { ClientRecorder, runWorkers } from "../clients.ts";
import { type Regions, type RegionSpec, startRegions } from "../regions.ts";
import type { ScenarioContext } from "../scenario.ts";
import {
  chaosConfig,
  type LogLine,
  type SidecarUnderTest,
  startSidecarUnderTest,
  tiersFromRegions,
} from "../sidecar.ts";

/** home 1 ms, near 20 ms, far 80 ms: the default map. */
export const THREE_REGIONS: readonly RegionSpec[] = [
  { name: "home", nodes: 2, latencyMs: 1 },
  { name: "near", nodes: 2, latencyMs: 20 },
  { name: "far", nodes: 1, latencyMs: 80 },
];

/** Starts regions for a scenario; they are removed when it ends. */
export async function regionsFor(
  context: ScenarioContext,
  prefix: string,
  specs: readonly RegionSpec[] = THREE_REGIONS,
): Promise<Regions> {
  const regions = await startRegions(context.faults.api, prefix, specs);
  context.cleanup.use(regions);
  context.regions(specs.map((s) => s.name));
  return regions;
}

/** Starts the sidecar on `config`; it is stopped when the scenario ends. */
export async function sidecarFor(
  context: ScenarioContext,
  config: ConfigInput,
  options: { reloadPeriod?: string } = {},
): Promise<SidecarUnderTest> {
  const sidecar = await startSidecarUnderTest(context.dir, config, { t0: context.t0, ...options });
  context.cleanup.use(sidecar);
  return sidecar;
}

/** A recorder for clients of `sidecar`, drawn on the timeline. */
export function clientsFor(context: ScenarioContext, sidecar: SidecarUnderTest): ClientRecorder {
  const recorder = new ClientRecorder(sidecar.address, context.t0);
  context.record(recorder.records);
  return recorder;
}

/** Waits for `condition`, failing after `timeoutMs` or when the scenario is aborted. */
export function until<T>(
  context: ScenarioContext,
  condition: () => T | Promise<T>,
  timeoutMs: number,
  message: string,
): Promise<NonNullable<T>> {
  return waitFor(() => {
    if (context.signal.aborted) throw new Error(`aborted while waiting for ${message}`);
    return condition();
  }, { timeoutMs, intervalMs: 20, message });
}

/** A background client load that stops (and is awaited) when `stop()` is called. */
export interface Load {
  stop(): Promise<void>;
}

/** Starts `run(signal)` in the background; stopping aborts it and waits. */
export function background(
  context: ScenarioContext,
  run: (signal: AbortSignal) => Promise<void>,
): Load {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  context.signal.addEventListener("abort", onAbort, { once: true });
  const running = run(controller.signal).catch(() => {});
  const stop = async () => {
    controller.abort();
    context.signal.removeEventListener("abort", onAbort);
    await running;
  };
  context.cleanup.defer(stop);
  return { stop };
}

/**
 * The sidecar over `regions` (tiers in region order, 500 ms dial timeout)
 * with `workers` clients exchanging 4 KiB payloads in the background.
 */
export async function sidecarUnderLoad(
  context: ScenarioContext,
  regions: Regions,
  workers: number,
): Promise<{ sidecar: SidecarUnderTest; clients: ClientRecorder; load: Load }> {
  const sidecar = await sidecarFor(
    context,
    chaosConfig(tiersFromRegions(regions.list, () => ({ dialFailureTimeout: "500ms" }))),
  );
  const clients = clientsFor(context, sidecar);
  const load = background(
    context,
    (signal) => runWorkers(clients, workers, signal, { payloadBytes: 4096, pauseMs: 20 }),
  );
  return { sidecar, clients, load };
}

/** The scenario time (ms since t0) of a sidecar log line's own timestamp. */
export function logTimeMs(context: ScenarioContext, line: LogLine): number {
  return Date.parse(String(line.time)) - context.t0;
}

/**
 * Waits (up to `timeoutMs`) until the sidecar has logged `count` ended
 * sessions, and returns those it logged by then: the checks that follow say
 * what is missing.
 */
export async function awaitEndedSessions(
  context: ScenarioContext,
  sidecar: SidecarUnderTest,
  count: number,
  timeoutMs: number,
): Promise<ReturnType<typeof endedSessions>> {
  let logged: ReturnType<typeof endedSessions> = [];
  await until(
    context,
    () => (logged = endedSessions(context, sidecar)).length >= count,
    timeoutMs,
    "the sidecar's session ends",
  ).catch(() => {});
  return logged;
}

/** Sessions the sidecar logged as ended, with their start time and backend. */
export function endedSessions(
  context: ScenarioContext,
  sidecar: SidecarUnderTest,
): { startMs: number; endMs: number; backend: string; how: string; up: number; down: number }[] {
  return sidecar.logs("session ended").map((line) => {
    const endMs = logTimeMs(context, line);
    return {
      startMs: endMs - Number(line.ms ?? 0),
      endMs,
      backend: String(line.backend ?? ""),
      how: String(line.how ?? ""),
      up: Number(line.up ?? 0),
      down: Number(line.down ?? 0),
    };
  });
}

/** Percent with one decimal. */
export function percent(part: number, whole: number): string {
  return whole === 0 ? "0%" : `${(100 * part / whole).toFixed(1)}%`;
}

/**
 * Waits (up to 5 s) for the sidecar's open sockets to fall back to
 * `baseline`; returns the last count seen, for the figures and the check.
 */
export async function socketsBackTo(
  context: ScenarioContext,
  sidecar: SidecarUnderTest,
  baseline: number,
): Promise<number> {
  let after = -1;
  await until(
    context,
    async () => (after = await sidecar.sockets()) <= baseline,
    5_000,
    `sidecar sockets back to ${baseline}`,
  ).catch(() => {});
  return after;
}

/**
 * The sidecar's idle socket count: the lowest of several samples over `windowMs`, so a
 * probe that happens to be open at one instant does not raise the baseline.
 */
export async function idleSockets(sidecar: SidecarUnderTest, windowMs = 500): Promise<number> {
  let lowest = await sidecar.sockets();
  const end = Date.now() + windowMs;
  while (Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    lowest = Math.min(lowest, await sidecar.sockets());
  }
  return lowest;
}
