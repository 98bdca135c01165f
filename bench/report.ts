/**
 * The table printed at the end of a run: medians side by side, the
 * sidecar's ratios, and each floor's verdict.
 * @module
 */

import type { FloorVerdict } from "./floors.ts";
import type { MetricSummary } from "./metric.ts";

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

/**
 * The results table: one row per metric, with the floor that applies to it
 * and its verdict. `haproxyNote` replaces HAProxy's empty column with a reason.
 */
export function renderTable(
  summaries: readonly MetricSummary[],
  verdicts: readonly FloorVerdict[],
  haproxyNote?: string,
): string {
  const header = [
    "workload",
    "unit",
    "direct",
    "sidecar",
    "haproxy",
    "sidecar/direct",
    "sidecar/haproxy",
    "floor",
  ];
  const rows = summaries.map((summary) => {
    const verdict = verdicts.find((candidate) => candidate.floor.metricId === summary.id);
    const floor = verdict === undefined
      ? ""
      : `${verdict.result.toUpperCase()} (${verdict.floor.description})`;
    return [
      summary.title,
      summary.unit,
      formatNumber(summary.medians.direct),
      formatNumber(summary.medians.sidecar),
      formatNumber(summary.medians.haproxy),
      formatRatio(summary.sidecarToDirect),
      formatRatio(summary.sidecarToHaproxy),
      floor,
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] as string).length))
  );
  // Text columns align left, figures right.
  const leftAligned = new Set([0, 1, 7]);
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) =>
      leftAligned.has(column)
        ? cell.padEnd(widths[column] as number)
        : cell.padStart(widths[column] as number)
    ).join("  ").trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  const notes = summaries.filter((summary) => summary.note !== undefined)
    .map((summary) => `* ${summary.title.trim()}: ${summary.note}`);
  if (haproxyNote !== undefined) notes.push(`* haproxy: ${haproxyNote}`);
  return [line(header), rule, ...rows.map(line), ...(notes.length > 0 ? ["", ...notes] : [])]
    .join("\n");
}
