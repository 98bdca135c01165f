/**
 * `out/bench.html`: one self-contained page (inline CSS and SVG, no
 * scripts, nothing fetched) with a bar chart per figure — the sidecar,
 * HAProxy, the Go Iaido, the floors (with `--reference`) and direct,
 * each median with its min–max — and the
 * machine's load during each workload. Pure: text in, text out.
 * @module
 */

import type { FloorVerdict } from "./floors.ts";
import type { MetricSummary, TargetName } from "./metric.ts";
import { FLOOR_COLUMNS, formatNumber, formatRatio, measuredFloors } from "./report.ts";

/** How busy the machine was while one workload ran, 0 to 1 of all cores. */
export interface WorkloadLoad {
  readonly workload: string;
  /** Every process. */
  readonly machine: number;
  /** Processes that are not the bench's (other engineers' tests). */
  readonly others: number;
}

/** Everything the page shows. */
export interface HtmlReport {
  readonly title: string;
  readonly startedAt: string;
  /** One line on what ran where (cores, kernel, Deno, tool versions). */
  readonly setup: readonly string[];
  readonly summaries: readonly MetricSummary[];
  readonly verdicts: readonly FloorVerdict[];
  readonly loads: readonly WorkloadLoad[];
  /** Others' busy share before and after the runs. */
  readonly quiet: { readonly before: number; readonly after: number };
  /** Lines under the table (the notes, why a peer is missing). */
  readonly notes: readonly string[];
}

/** Bar order and colours: ours first. */
const BARS: readonly { target: TargetName; label: string; colour: string }[] = [
  { target: "sidecar", label: "this sidecar", colour: "#2f6fdf" },
  { target: "haproxy", label: "HAProxy", colour: "#8a8f98" },
  { target: "iaido-go", label: "Go Iaido", colour: "#3aa675" },
  { target: "floor", label: "Deno floor", colour: "#9b59b6" },
  { target: "node-floor", label: "node:net floor", colour: "#c39bd3" },
  { target: "handle-floor", label: "stream-handle floor", colour: "#7fb3d5" },
  { target: "c-floor", label: "C floor", colour: "#5d6d7e" },
  { target: "direct", label: "direct", colour: "#d9a441" },
];

/** A target's label on the page. */
const labelOf = (target: TargetName): string =>
  BARS.find((bar) => bar.target === target)?.label ?? target;

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

const WIDTH = 640;
const LABEL_WIDTH = 110;
const VALUE_WIDTH = 150;
const BAR_HEIGHT = 22;
const GAP = 6;

/**
 * A horizontal bar chart of `bars`; a thin line marks each bar's min–max.
 * The scale runs to `full`, or to the largest value when not given.
 */
export function barChart(
  bars: readonly {
    label: string;
    colour: string;
    value: number;
    min?: number;
    max?: number;
    text: string;
  }[],
  full?: number,
): string {
  const top = full ?? Math.max(...bars.map((bar) => Math.max(bar.value, bar.max ?? 0)), 0);
  const span = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const x = (value: number) => LABEL_WIDTH + (top === 0 ? 0 : (value / top) * span);
  const height = bars.length * (BAR_HEIGHT + GAP) + GAP;
  const rows = bars.map((bar, index) => {
    const y = GAP + index * (BAR_HEIGHT + GAP);
    const middle = y + BAR_HEIGHT / 2;
    const whisker = bar.min === undefined || bar.max === undefined || bar.min === bar.max
      ? ""
      : `<line x1="${x(bar.min).toFixed(1)}" x2="${x(bar.max).toFixed(1)}" y1="${middle}" ` +
        `y2="${middle}" stroke="#222" stroke-width="2"/>`;
    return `<text x="${LABEL_WIDTH - 8}" y="${middle + 4}" text-anchor="end">${
      escapeHtml(bar.label)
    }</text>` +
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${
        (x(bar.value) - LABEL_WIDTH).toFixed(1)
      }" height="${BAR_HEIGHT}" fill="${bar.colour}"/>` +
      whisker +
      `<text x="${(Math.max(x(bar.value), x(bar.max ?? 0)) + 6).toFixed(1)}" y="${middle + 4}">${
        escapeHtml(bar.text)
      }</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" ` +
    `viewBox="0 0 ${WIDTH} ${height}" role="img">${rows.join("")}</svg>`;
}

function metricSection(summary: MetricSummary, verdicts: readonly FloorVerdict[]): string {
  const bars = BARS.flatMap(({ target, label, colour }) => {
    const value = summary.medians[target];
    if (value === undefined) return [];
    const spread = summary.spreads[target];
    return [{
      label,
      colour,
      value,
      ...(spread === undefined ? {} : { min: spread.min, max: spread.max }),
      text: `${formatNumber(value)} ${summary.unit}`,
    }];
  });
  const ratios = [
    `÷ HAProxy ${formatRatio(summary.sidecarToHaproxy)}`,
    `÷ Go Iaido ${formatRatio(summary.sidecarToIaidoGo)}`,
    ...FLOOR_COLUMNS.filter(({ target }) => summary.medians[target] !== undefined).map((
      { target, ratio },
    ) => `÷ ${labelOf(target)} ${formatRatio(ratio(summary))}`),
    `÷ direct ${formatRatio(summary.sidecarToDirect)}`,
  ].join(" · ");
  const goals = verdicts.filter((verdict) => verdict.floor.metricId === summary.id).map(
    (verdict) =>
      `<li class="${verdict.result}">${verdict.result.toUpperCase()} (${verdict.floor.level}) ${
        escapeHtml(verdict.floor.description)
      }</li>`,
  );
  const better = summary.higherIsBetter ? "higher is better" : "lower is better";
  return `<section><h2>${escapeHtml(summary.title.trim())}</h2>` +
    `<p class="meta">${escapeHtml(summary.unit)}, ${better}; sidecar ${escapeHtml(ratios)}</p>` +
    (bars.length === 0 ? "<p>not measured</p>" : barChart(bars)) +
    (goals.length === 0 ? "" : `<ul>${goals.join("")}</ul>`) +
    (summary.note === undefined ? "" : `<p class="note">${escapeHtml(summary.note)}</p>`) +
    "</section>";
}

function loadSection(report: HtmlReport): string {
  const percent = (share: number) => `${Math.round(share * 100)} %`;
  const bars = report.loads.flatMap((load) => [
    {
      label: `${load.workload}`,
      colour: "#c0504d",
      value: load.others * 100,
      text: `others ${percent(load.others)} (all ${percent(load.machine)})`,
    },
  ]);
  return "<section><h2>The machine's load</h2>" +
    `<p class="meta">share of all cores kept busy by processes other than the bench's own ` +
    `while each workload ran (in brackets: by everything); before the runs ${
      percent(report.quiet.before)
    }, after ${percent(report.quiet.after)}. Above 10 % the figures are lower and noisier.</p>` +
    (bars.length === 0 ? "" : barChart(bars, 100)) + "</section>";
}

/** The whole page. */
export function renderHtml(report: HtmlReport): string {
  // The floors' columns only when `--reference` measured them.
  const floors = measuredFloors(report.summaries);
  const columns = BARS.filter(({ target }) =>
    floors.some((floor) => floor.target === target) ||
    !FLOOR_COLUMNS.some((floor) => floor.target === target)
  );
  const rows = report.summaries.map((summary) =>
    `<tr><td>${escapeHtml(summary.title)}</td><td>${escapeHtml(summary.unit)}</td>` +
    columns.map(({ target }) => `<td class="n">${formatNumber(summary.medians[target])}</td>`)
      .join("") +
    `<td class="n">${formatRatio(summary.sidecarToHaproxy)}</td>` +
    `<td class="n">${formatRatio(summary.sidecarToIaidoGo)}</td>` +
    floors.map(({ ratio }) => `<td class="n">${formatRatio(ratio(summary))}</td>`).join("") +
    `<td class="n">${formatRatio(summary.sidecarToDirect)}</td></tr>`
  );
  const table = "<table><tr><th>workload</th><th>unit</th>" +
    columns.map(({ label }) => `<th>${escapeHtml(label)}</th>`).join("") +
    "<th>÷ HAProxy</th><th>÷ Go Iaido</th>" +
    floors.map(({ target }) => `<th>÷ ${escapeHtml(labelOf(target))}</th>`).join("") +
    "<th>÷ direct</th></tr>" + rows.join("") + "</table>";
  const style = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:60em;color:#222}" +
    "svg text{font:12px system-ui,sans-serif}table{border-collapse:collapse}" +
    "td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}td.n{text-align:right}" +
    ".meta,.note{color:#555}.pass{color:#1a7f37}.fail{color:#c0392b}.unknown{color:#777}" +
    "section{margin:1.5em 0}";
  return "<!doctype html>\n" +
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(report.title)}</title>` +
    `<style>${style}</style></head><body><h1>${escapeHtml(report.title)}</h1>` +
    `<p class="meta">${escapeHtml(report.startedAt)}</p>` +
    `<ul class="meta">${report.setup.map((line) => `<li>${escapeHtml(line)}</li>`).join("")}</ul>` +
    table +
    (report.notes.length === 0
      ? ""
      : `<ul class="note">${
        report.notes.map((line) => `<li>${escapeHtml(line)}</li>`).join("")
      }</ul>`) +
    loadSection(report) +
    report.summaries.map((summary) => metricSection(summary, report.verdicts)).join("") +
    "</body></html>\n";
}
