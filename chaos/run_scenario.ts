/**
 * Runs one scenario with a deadline: gives it a context, disposes of what it
 * started (even on failure or timeout), and turns what it recorded into a
 * result.
 * @module
 */

import type { ConnRecord } from "./clients.ts";
import type { FaultServer } from "./fault_server.ts";
import type { Mark, Scenario, ScenarioContext, ScenarioResult, TimelineConn } from "./scenario.ts";

/** Runs `scenario` against `faults`; never throws. */
export async function runScenario(
  scenario: Scenario,
  faults: FaultServer,
  interrupt?: AbortSignal,
): Promise<ScenarioResult> {
  const t0 = Date.now();
  const figures: [string, string][] = [];
  const problems: string[] = [];
  const marks: Mark[] = [];
  const records: ConnRecord[][] = [];
  let regions: readonly string[] = [];
  const controller = new AbortController();
  const dir = await Deno.makeTempDir({ prefix: `chaos-${scenario.name}-` });
  const cleanup = new AsyncDisposableStack();
  const context: ScenarioContext = {
    faults,
    dir,
    t0,
    signal: controller.signal,
    cleanup,
    now: () => Date.now() - t0,
    mark: (label, kind = "fault", atMs = Date.now() - t0) => {
      marks.push({ atMs, label, kind });
      marks.sort((a, b) => a.atMs - b.atMs);
    },
    figure: (name, value) => {
      const text = typeof value === "number" ? formatNumber(value) : value;
      const existing = figures.findIndex(([key]) => key === name);
      if (existing >= 0) figures[existing] = [name, text];
      else figures.push([name, text]);
    },
    check: (ok, problem) => {
      if (!ok) problems.push(problem);
    },
    regions: (names) => regions = names,
    record: (connections) => records.push(connections as ConnRecord[]),
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`timed out after ${scenario.timeoutMs} ms`));
      }, scenario.timeoutMs);
      interrupt?.addEventListener("abort", () => {
        controller.abort();
        reject(new Error("interrupted"));
      }, { once: true });
    });
    await Promise.race([scenario.run(context), timeout]);
  } catch (error) {
    problems.push(`error: ${(error as Error).message.split("\n")[0]}`);
    controller.abort();
  } finally {
    clearTimeout(timer);
  }
  try {
    await cleanup.disposeAsync();
  } catch (error) {
    problems.push(`cleanup: ${(error as Error).message.split("\n")[0]}`);
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  const leftover = (await childProcesses(Deno.pid))
    .filter((entry) => !faults.pids.includes(Number(entry.split(" ")[0])));
  if (leftover.length > 0) problems.push(`left processes behind: ${leftover.join(", ")}`);
  const connections: TimelineConn[] = records.flat().map((r) => ({
    startMs: r.startMs,
    endMs: r.endMs || r.startMs,
    end: r.end,
    ...(r.region === undefined ? {} : { region: r.region }),
    ...(r.node === undefined ? {} : { node: r.node }),
  }));
  return {
    name: scenario.name,
    title: scenario.title,
    ok: problems.length === 0,
    ...(scenario.knownIssue === undefined ? {} : { knownIssue: scenario.knownIssue }),
    durationMs: Date.now() - t0,
    figures,
    problems,
    regions,
    connections,
    marks,
  };
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** Commands of the live child processes of `pid` (Linux /proc; empty elsewhere). */
export async function childProcesses(pid: number): Promise<string[]> {
  const found: string[] = [];
  try {
    for await (const entry of Deno.readDir("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      try {
        const stat = await Deno.readTextFile(`/proc/${entry.name}/stat`);
        // "pid (comm) state ppid …" — comm may contain spaces, so split after the last ")".
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (fields[0] !== "Z" && Number(fields[1]) === pid) {
          found.push(`${entry.name} ${stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"))}`);
        }
      } catch {
        // Exited while listing.
      }
    }
  } catch {
    // No /proc.
  }
  return found;
}
