/**
 * The table printed at the end of a run: medians side by side, the
 * sidecar's ratios, and each floor's verdict.
 * @module
 */

import type { FloorVerdict } from "./floors.ts";
import type { MetricSummary, TargetName } from "./metric.ts";

/** A figure with as many digits as its size deserves; `—` when missing. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "—";
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString("en-US");
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** A ratio as `1.57×`; `—` when missing. */
export function formatRatio(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? "—" : `${value.toFixed(2)}×`;
}

/** Why a peer's column is empty (or what it means, for the floor), shown under the table. */
export type PeerNotes = Partial<Record<"haproxy" | "iaido-go" | FloorTarget, string>>;

/** The floors of `--reference`, in column order. */
export type FloorTarget = "floor" | "node-floor" | "handle-floor" | "c-floor";

/** Each floor's column and the sidecar's ratio to it. */
export const FLOOR_COLUMNS: readonly {
  readonly target: FloorTarget;
  readonly ratio: (summary: MetricSummary) => number | undefined;
}[] = [
  { target: "floor", ratio: (summary) => summary.sidecarToFloor },
  { target: "node-floor", ratio: (summary) => summary.sidecarToNodeFloor },
  { target: "handle-floor", ratio: (summary) => summary.sidecarToHandleFloor },
  { target: "c-floor", ratio: (summary) => summary.sidecarToCFloor },
];

/** What the floor columns mean, under the table and on the page when `--reference` ran. */
export const FLOOR_NOTES = {
  floor: "the smallest correct Deno.Conn proxy (bench/reference/deno_conn_proxy.ts: no " +
    "balancing, health, stats or logging): what any Deno proxy reaches on this machine; " +
    "÷floor is the sidecar's median ÷ the floor's",
  "node-floor": "the same on node:net sockets piped both ways " +
    "(bench/reference/node_net_proxy.ts), the floor of the sidecar's protocol paths",
  "handle-floor": "the same on node's bare TCP stream handles, read into 512 B then 16 KiB " +
    "(bench/reference/handle_proxy.ts), the floor of the sidecar's tcp path",
  "c-floor": "the best case of any user-space proxy that copies with read/write, no splice " +
    "(bench/reference/copy_proxy.c: one thread, edge-triggered epoll, 1 MiB buffers " +
    "taken only while they hold data): a target it misses needs splice",
} as const;

/** Whether any summary has figures of `target` (the floors run only with `--reference`). */
export function hasTarget(summaries: readonly MetricSummary[], target: TargetName): boolean {
  return summaries.some((summary) => summary.medians[target] !== undefined);
}

/** The floors' columns that have figures. */
export function measuredFloors(summaries: readonly MetricSummary[]): typeof FLOOR_COLUMNS {
  return FLOOR_COLUMNS.filter(({ target }) => hasTarget(summaries, target));
}

/**
 * The results table: one row per metric, medians of every target and the
 * sidecar's ratios to direct, HAProxy and the Go Iaido (and to each
 * floor, when measured); then each floor and target with its verdict.
 * `peerNotes` say why a peer's column is empty.
 */
export function renderTable(
  summaries: readonly MetricSummary[],
  verdicts: readonly FloorVerdict[],
  peerNotes: PeerNotes = {},
): string {
  const floors = measuredFloors(summaries);
  const header = [
    "workload",
    "unit",
    "direct",
    "sidecar",
    "haproxy",
    "iaido-go",
    ...floors.map(({ target }) => target),
    "÷direct",
    "÷haproxy",
    "÷iaido-go",
    ...floors.map(({ target }) => `÷${target}`),
  ];
  const rows = summaries.map((summary) => [
    summary.title,
    summary.unit,
    formatNumber(summary.medians.direct),
    formatNumber(summary.medians.sidecar),
    formatNumber(summary.medians.haproxy),
    formatNumber(summary.medians["iaido-go"]),
    ...floors.map(({ target }) => formatNumber(summary.medians[target])),
    formatRatio(summary.sidecarToDirect),
    formatRatio(summary.sidecarToHaproxy),
    formatRatio(summary.sidecarToIaidoGo),
    ...floors.map(({ ratio }) => formatRatio(ratio(summary))),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] as string).length))
  );
  // Text columns align left, figures right.
  const leftAligned = new Set([0, 1]);
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) =>
      leftAligned.has(column)
        ? cell.padEnd(widths[column] as number)
        : cell.padStart(widths[column] as number)
    ).join("  ").trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  const notes = summaries.filter((summary) => summary.note !== undefined)
    .map((summary) => `* ${summary.title.trim()}: ${summary.note}`);
  for (const [peer, note] of Object.entries(peerNotes)) notes.push(`* ${peer}: ${note}`);
  const goals = verdicts.map((verdict) =>
    `${verdict.result.toUpperCase().padEnd(7)} ${
      verdict.floor.level.padEnd(6)
    } ${verdict.floor.description}: ${
      verdict.value === undefined
        ? "not measured"
        : verdict.floor.measure === "sidecar"
        ? formatNumber(verdict.value)
        : formatRatio(verdict.value)
    }`
  );
  return [
    "ratios are the sidecar's median ÷ the column's median",
    line(header),
    rule,
    ...rows.map(line),
    ...(notes.length > 0 ? ["", ...notes] : []),
    ...(goals.length > 0 ? ["", ...goals] : []),
  ].join("\n");
}
