/**
 * What a scenario is, what it reports, and the context it runs in: the
 * Toxiproxy to use, a scratch directory, a clock relative to its start,
 * fault marks for the timeline, checks and figures.
 * @module
 */

import type { ConnRecord } from "./clients.ts";
import type { FaultServer } from "./fault_server.ts";

/** A fault or event marked on the timeline. */
export interface Mark {
  readonly atMs: number;
  readonly label: string;
  /** "fault" (injected), "heal" (removed) or "event" (observed). */
  readonly kind: "fault" | "heal" | "event";
}

/** A connection as the timeline draws it. */
export interface TimelineConn {
  readonly startMs: number;
  readonly endMs: number;
  /** Region that served it, or undefined when it failed to connect. */
  readonly region?: string;
  readonly node?: string;
  readonly end: string;
}

/** What one scenario measured. */
export interface ScenarioResult {
  readonly name: string;
  readonly title: string;
  readonly ok: boolean;
  /** The scenario's known sidecar bug, if any (see `Scenario.knownIssue`). */
  readonly knownIssue?: string;
  readonly durationMs: number;
  /** Figures in the order they were measured. */
  readonly figures: readonly (readonly [string, string])[];
  /** Failed checks (empty when ok). */
  readonly problems: readonly string[];
  /** Regions in preference order (timeline lanes). */
  readonly regions: readonly string[];
  readonly connections: readonly TimelineConn[];
  readonly marks: readonly Mark[];
}

/** The environment a scenario runs in. */
export interface ScenarioContext {
  readonly faults: FaultServer;
  /** A fresh directory, removed afterwards. */
  readonly dir: string;
  /** Epoch ms at the scenario's start; every recorded time is relative to it. */
  readonly t0: number;
  /** Aborted when the scenario runs out of time. */
  readonly signal: AbortSignal;
  /** Resources to dispose of when the scenario ends, in reverse order. */
  readonly cleanup: AsyncDisposableStack;
  /** ms since t0. */
  now(): number;
  /** Marks a fault, a heal or an observed event on the timeline (now, or at `atMs`). */
  mark(label: string, kind?: Mark["kind"], atMs?: number): void;
  /** Records a figure for the table. */
  figure(name: string, value: string | number): void;
  /** Records a failed check unless `ok`. */
  check(ok: boolean, problem: string): void;
  /** The timeline lanes. */
  regions(names: readonly string[]): void;
  /** Connections to draw (and to keep in the report). */
  record(connections: readonly ConnRecord[]): void;
}

/** "pass", "FAIL", "known" (fails on a reported bug) or "pass*" (passes despite one). */
export function verdict(result: Pick<ScenarioResult, "ok" | "knownIssue">): string {
  if (result.knownIssue === undefined) return result.ok ? "pass" : "FAIL";
  return result.ok ? "pass*" : "known";
}

/** Whether the result should fail the run. */
export function failsRun(result: Pick<ScenarioResult, "ok" | "knownIssue">): boolean {
  return !result.ok && result.knownIssue === undefined;
}

/** One chaos scenario. */
export interface Scenario {
  /** Short name for `--only`. */
  readonly name: string;
  readonly title: string;
  /** The scenario is aborted after this long. */
  readonly timeoutMs: number;
  /**
   * A sidecar bug this scenario shows and that is reported but not fixed yet: its failure is
   * listed as "known" and does not fail the run; once it passes, the marker should go.
   */
  readonly knownIssue?: string;
  run(context: ScenarioContext): Promise<void>;
}
