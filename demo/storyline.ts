/**
 * The demo's storyline and how each step is judged: after a settling
 * period, every new session must land in the expected region, and no
 * client may fail to connect. Pure: records and times come in.
 * @module
 */

/** The regions, nearest first. */
export const REGIONS = ["home", "near", "far"] as const;

/** A region name. */
export type Region = (typeof REGIONS)[number];

/** What the demo does at a step, by name. */
export type StepAction = "none" | "home outage" | "home recovers";

/** One step of the storyline. */
export interface Step {
  readonly title: string;
  readonly action: StepAction;
  /** Share of the whole storyline. */
  readonly weight: number;
  /** Where new sessions should go once settled. */
  readonly expect: Region;
  /** How long after the step starts the sidecar may take to react. */
  readonly settleMs: number;
  /** A region whose sessions the sidecar must move during the step (failback). */
  readonly expectMovedFrom?: Region;
}

/** The story: steady → home outage → failover → home recovers → failback → steady. */
export const STORYLINE: readonly Step[] = [
  {
    title: "steady state: the home region serves everything",
    action: "none",
    weight: 0.2,
    expect: "home",
    settleMs: 0,
  },
  {
    title: "home region outage: its proxies go down",
    action: "home outage",
    weight: 0.25,
    expect: "near",
    settleMs: 1500,
  },
  {
    title: "home recovers: new sessions go home, near's sessions are moved back",
    action: "home recovers",
    weight: 0.35,
    expect: "home",
    settleMs: 2000,
    expectMovedFrom: "near",
  },
  { title: "steady state again", action: "none", weight: 0.2, expect: "home", settleMs: 0 },
];

/** One client session as the demo's workers record it. */
export interface SessionRecord {
  readonly startedAt: number;
  /** The node that greeted it (`home-1`), or undefined when the connect failed. */
  readonly node: string | undefined;
  endedAt?: number;
  /** Ended by the sidecar before the client meant to (outage, failback). */
  interrupted?: boolean;
}

/** The region of a node name (`near-2` → `near`). */
export function regionOf(node: string): Region | undefined {
  return REGIONS.find((region) => node.startsWith(`${region}-`));
}

/** A step's verdict. */
export interface StepResult {
  readonly ok: boolean;
  readonly detail: string;
}

/** Judges a step from the sessions that started within it. */
export function judgeStep(
  step: Step,
  records: readonly SessionRecord[],
  startedAt: number,
  endedAt: number,
): StepResult {
  const within = records.filter((r) => r.startedAt >= startedAt && r.startedAt < endedAt);
  const failed = within.filter((r) => r.node === undefined).length;
  const settled = within.filter((r) =>
    r.node !== undefined && r.startedAt >= startedAt + step.settleMs
  );
  const elsewhere = settled.filter((r) => regionOf(r.node as string) !== step.expect).length;
  if (settled.length === 0) return { ok: false, detail: "no sessions started after settling" };
  const moved = step.expectMovedFrom === undefined
    ? undefined
    : records.filter((r) =>
      r.interrupted && r.endedAt !== undefined && r.endedAt >= startedAt && r.endedAt < endedAt &&
      regionOf(r.node ?? "") === step.expectMovedFrom
    ).length;
  const ok = failed === 0 && elsewhere === 0 && moved !== 0;
  const detail =
    `${settled.length - elsewhere}/${settled.length} settled sessions in ${step.expect}` +
    (elsewhere > 0 ? `, ${elsewhere} elsewhere` : "") +
    (moved === undefined ? "" : `, ${moved} moved back from ${step.expectMovedFrom}`) +
    `, ${failed} failed connect(s)`;
  return { ok, detail };
}

/** Step boundaries (ms offsets) for a storyline of `totalMs`. */
export function schedule(
  steps: readonly Step[],
  totalMs: number,
): { start: number; end: number }[] {
  const weights = steps.reduce((sum, step) => sum + step.weight, 0);
  let offset = 0;
  return steps.map((step) => {
    const start = offset;
    offset += (step.weight / weights) * totalMs;
    return { start, end: offset };
  });
}
