/**
 * The simulation's summary lines and its self-contained HTML report (inline
 * SVG line charts, no external assets), in the chaos report's style.
 * @module
 */

import { escapeHtml, regionColor } from "../chaos/report.ts";
import type { PeakFigures } from "./metrics.ts";

/** One backend's series as the report draws them (per bin). */
export interface ReportSeries {
  readonly name: string;
  readonly tier: number;
  readonly connects: readonly number[];
  readonly failbackCloses: readonly number[];
  readonly cuts: readonly number[];
  readonly probes: readonly number[];
  readonly sessions: readonly number[];
}

/** One simulated run, as reported. */
export interface ReportRun {
  readonly sidecars: number;
  /** "defaults", "as configured" or "no slow start, no jitter". */
  readonly variant: string;
  readonly figures: PeakFigures;
  readonly backends: readonly ReportSeries[];
  readonly binMs: number;
  readonly elapsedMs: number;
  readonly events: number;
}

/** A mark on the time axis: a scripted event. */
export interface ReportMark {
  readonly atMs: number;
  readonly label: string;
  readonly kind: "fault" | "heal";
}

/** What the report shows around the runs. */
export interface ReportMeta {
  readonly scenarioFile: string;
  readonly scenarioText: string;
  readonly tierNames: readonly string[];
  readonly watchTier: number;
  readonly marks: readonly ReportMark[];
  readonly startedAt: string;
  readonly totalMs: number;
}

/** `1000 sidecars, defaults: home peak/steady 1.7×` plus the figures behind it. */
export function summaryLine(run: ReportRun, tierName: string): string {
  const f = run.figures;
  return `${run.sidecars} sidecars, ${run.variant}: ${tierName} peak/steady ${
    f.ratio.toFixed(2)
  }× (peak ${Math.round(f.peakPerSecond)}/s at ${seconds(f.peakAtMs)}, steady ${
    Math.round(f.steadyPerSecond)
  }/s, noise ${f.steadyNoise.toFixed(2)}×; ${f.failbackCloses} failback closes; ${tierName} ${
    f.backMs === undefined ? "not back" : `back in ${seconds(f.backMs)}`
  }; ${(run.elapsedMs / 1000).toFixed(1)}s for ${(run.events / 1e6).toFixed(1)}M events)`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(0)}s`;
}

interface Line {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
  readonly dash?: string;
}

/** A line chart of per-bin values over time, with the scenario's marks. */
export function renderChart(
  title: string,
  lines: readonly Line[],
  binMs: number,
  marks: readonly ReportMark[],
  reference?: { readonly value: number; readonly label: string },
  width = 960,
  height = 220,
): string {
  const left = 60;
  const right = 10;
  const top = 24;
  const bottom = 34;
  // The last bin is cut short by the end of the run: it is left out.
  lines = lines.map((line) => ({ ...line, values: line.values.slice(0, -1) }));
  const bins = Math.max(1, ...lines.map((l) => l.values.length));
  const endMs = bins * binMs;
  const maxY = niceMax(Math.max(1, reference?.value ?? 0, ...lines.flatMap((l) => l.values)));
  const x = (ms: number) => left + (ms / endMs) * (width - left - right);
  const y = (v: number) => top + (1 - v / maxY) * (height - top - bottom);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${
      escapeHtml(title)
    }">`,
    `<rect x="${left}" y="${top}" width="${width - left - right}" height="${
      height - top - bottom
    }" fill="#f8f9fa"/>`,
    `<text x="${left}" y="14" font-size="12" font-weight="bold">${escapeHtml(title)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (maxY * i) / 4;
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${y(v).toFixed(1)}" y2="${
        y(v).toFixed(1)
      }" stroke="#dee2e6"/>`,
      `<text x="${left - 4}" y="${(y(v) + 4).toFixed(1)}" font-size="10" text-anchor="end">${
        formatNumber(v)
      }</text>`,
    );
  }
  const step = niceStep(endMs);
  for (let t = 0; t <= endMs; t += step) {
    parts.push(
      `<text x="${x(t).toFixed(1)}" y="${
        height - bottom + 14
      }" font-size="10" text-anchor="middle">${t / 1000}s</text>`,
    );
  }
  marks.forEach((mark, i) => {
    const color = mark.kind === "fault" ? "#c92a2a" : "#2b8a3e";
    parts.push(
      `<line x1="${x(mark.atMs).toFixed(1)}" x2="${x(mark.atMs).toFixed(1)}" y1="${top}" y2="${
        height - bottom
      }" stroke="${color}" stroke-dasharray="4 3"/>`,
      `<text x="${(x(mark.atMs) + 3).toFixed(1)}" y="${
        top + 10 + 12 * (i % 2)
      }" font-size="10" fill="${color}">${escapeHtml(mark.label)}</text>`,
    );
  });
  if (reference !== undefined) {
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${y(reference.value).toFixed(1)}" y2="${
        y(reference.value).toFixed(1)
      }" stroke="#495057" stroke-dasharray="2 2"/>`,
      `<text x="${width - right - 4}" y="${
        (y(reference.value) - 3).toFixed(1)
      }" font-size="10" text-anchor="end" fill="#495057">${escapeHtml(reference.label)}</text>`,
    );
  }
  for (const line of lines) {
    const points = line.values.map((v, i) =>
      `${x((i + 0.5) * binMs).toFixed(1)},${y(v).toFixed(1)}`
    ).join(" ");
    parts.push(
      `<polyline fill="none" stroke="${line.color}" stroke-width="1.5"${
        line.dash === undefined ? "" : ` stroke-dasharray="${line.dash}"`
      } points="${points}"><title>${escapeHtml(line.name)}</title></polyline>`,
    );
  }
  // Legend under the plot.
  let lx = left;
  for (const line of lines) {
    parts.push(
      `<line x1="${lx}" x2="${lx + 16}" y1="${height - 8}" y2="${
        height - 8
      }" stroke="${line.color}" stroke-width="2"${
        line.dash === undefined ? "" : ` stroke-dasharray="${line.dash}"`
      }/>`,
      `<text x="${lx + 20}" y="${height - 4}" font-size="11">${escapeHtml(line.name)}</text>`,
    );
    lx += 30 + 7 * line.name.length;
  }
  parts.push("</svg>");
  return parts.join("");
}

/** The watched tier's new sessions per second, one line per variant: the README's chart. */
export function renderComparison(
  runs: readonly ReportRun[],
  meta: Pick<ReportMeta, "tierNames" | "watchTier" | "marks">,
): string {
  const tier = meta.watchTier;
  const name = meta.tierNames[tier] ?? `tier-${tier}`;
  const first = runs[0];
  if (first === undefined) return "";
  const perSecond = 1000 / first.binMs;
  const lines = runs.map((run, i) => ({
    name: `${run.variant}: peak/steady ${run.figures.ratio.toFixed(2)}×`,
    color: regionColor(i === 0 ? 0 : 2),
    values: tierValues(run, tier, (s) => s.connects).map((v) => v * perSecond),
  }));
  return renderChart(
    `${first.sidecars} sidecars: new sessions per second on ${name}`,
    lines,
    first.binMs,
    meta.marks,
    { value: 2 * first.figures.steadyPerSecond, label: "2× steady" },
  );
}

function tierValues(
  run: ReportRun,
  tier: number,
  pick: (series: ReportSeries) => readonly number[],
): number[] {
  const out: number[] = [];
  for (const series of run.backends) {
    if (series.tier !== tier) continue;
    pick(series).forEach((v, i) => out[i] = (out[i] ?? 0) + v);
  }
  return out;
}

function backendLines(
  run: ReportRun,
  pick: (series: ReportSeries) => readonly number[],
  scale: number,
): Line[] {
  const seenInTier = new Map<number, number>();
  return run.backends.map((series) => {
    const n = seenInTier.get(series.tier) ?? 0;
    seenInTier.set(series.tier, n + 1);
    return {
      name: series.name,
      color: regionColor(series.tier < 0 ? 5 : series.tier),
      values: pick(series).map((v) => v * scale),
      ...(n === 0 ? {} : { dash: n === 1 ? "5 3" : "2 2" }),
    };
  });
}

/** The per-backend charts of each run: title, series, and whether it is a level (not a rate). */
const PER_BACKEND_CHARTS: readonly [
  string,
  (series: ReportSeries) => readonly number[],
  boolean,
][] = [
  ["new sessions per second, per backend", (s) => s.connects, false],
  ["sessions held, per backend", (s) => s.sessions, true],
  [
    "failback closes per second, per backend (the sessions moved away from it)",
    (s) => s.failbackCloses,
    false,
  ],
  ["probe connections per second, per backend", (s) => s.probes, false],
];

/** The whole report as one HTML document. */
export function renderReport(runs: readonly ReportRun[], meta: ReportMeta): string {
  const tierName = meta.tierNames[meta.watchTier] ?? "tier-0";
  const rows = runs.map((run) => {
    const f = run.figures;
    const ok = f.ratio <= 2;
    return `<tr><td>${run.sidecars}</td><td>${escapeHtml(run.variant)}</td><td class="${
      ok ? "ok" : "bad"
    }"><b>${f.ratio.toFixed(2)}×</b></td><td>${Math.round(f.peakPerSecond)}/s at ${
      seconds(f.peakAtMs)
    }</td><td>${Math.round(f.steadyPerSecond)}/s</td><td>${
      f.steadyNoise.toFixed(2)
    }×</td><td>${f.failbackCloses}</td><td>${f.cuts}</td><td>${f.gaveUp}</td><td>${
      f.backMs === undefined ? "—" : seconds(f.backMs)
    }</td><td>${(run.elapsedMs / 1000).toFixed(1)}s</td></tr>`;
  }).join("\n");
  const sizes = [...new Set(runs.map((r) => r.sidecars))];
  const sections = sizes.map((size) => {
    const ofSize = runs.filter((r) => r.sidecars === size);
    const details = ofSize.map((run) => {
      const perSecond = 1000 / run.binMs;
      const charts = PER_BACKEND_CHARTS.map(([title, pick, perBin]) =>
        `<div class="chart">${
          renderChart(title, backendLines(run, pick, perBin ? 1 : perSecond), run.binMs, meta.marks)
        }</div>`
      );
      return `<h3>${escapeHtml(run.variant)}</h3>\n${charts.join("\n")}`;
    }).join("\n");
    return `<section id="n${size}"><h2>${size} sidecars</h2>
<div class="chart">${renderComparison(ofSize, meta)}</div>
${details}</section>`;
  }).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Iaido fleet simulation</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#212529}
table{border-collapse:collapse}td,th{border:1px solid #dee2e6;padding:4px 8px;text-align:left;vertical-align:top}
.ok{color:#2b8a3e}.bad{color:#c92a2a}
section{margin-top:32px}.chart{overflow-x:auto;margin:8px 0}.legend{color:#868e96;font-size:12px}
pre{background:#f8f9fa;padding:8px;overflow-x:auto;font-size:12px}
</style></head><body>
<h1>Iaido fleet simulation</h1>
<p>Scenario ${escapeHtml(meta.scenarioFile)} · started ${escapeHtml(meta.startedAt)} · ${
    (meta.totalMs / 1000).toFixed(1)
  }s. Each sidecar is the real balancer (pick, slow start, probes, maintenance) on a virtual clock.
Peak/steady: the highest ${runs[0]?.binMs ?? 1000} ms bin of new sessions on ${
    escapeHtml(tierName)
  } after its recovery over its mean before the outage; noise: the highest bin before the outage over that mean.</p>
<table><tr><th>sidecars</th><th>variant</th><th>${
    escapeHtml(tierName)
  } peak/steady</th><th>peak</th><th>steady</th><th>noise</th><th>failback closes</th><th>cut by outage</th><th>gave up waiting</th><th>${
    escapeHtml(tierName)
  } back (95 % of sessions)</th><th>run time</th></tr>
${rows}
</table>
${sections}
<section><h2>Scenario</h2><pre>${escapeHtml(meta.scenarioText)}</pre></section>
</body></html>
`;
}

function niceMax(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (value <= step * magnitude) return step * magnitude;
  }
  return 10 * magnitude;
}

function niceStep(endMs: number): number {
  for (const step of [1000, 2000, 5000, 10000, 30000, 60000, 120000, 300000]) {
    if (endMs / step <= 12) return step;
  }
  return 600000;
}

function formatNumber(value: number): string {
  return value >= 1000
    ? `${(value / 1000).toFixed(value >= 10000 ? 0 : 1)}k`
    : `${+value.toFixed(1)}`;
}
