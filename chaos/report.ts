/**
 * The results as a console table and as a self-contained HTML report with
 * one timeline per scenario (inline SVG, no external assets).
 * @module
 */

import { type ScenarioResult, verdict } from "./scenario.ts";

const PALETTE = ["#2b8a3e", "#1971c2", "#e8590c", "#9c36b5", "#c2255c", "#0c8599"];
const FAILED = "#c92a2a";

/** A plain-text table: scenario, result, seconds, figures. */
export function renderTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => [
    r.name,
    verdict(r),
    (r.durationMs / 1000).toFixed(1) + "s",
    r.figures.map(([key, value]) => `${key}=${value}`).join("; ") +
    (r.ok ? "" : ` | ${r.problems.join("; ")}`),
  ]);
  const header = ["scenario", "result", "time", "figures"];
  const widths = header.map((h, i) =>
    i === 3 ? 0 : Math.max(h.length, ...rows.map((row) => (row[i] as string).length))
  );
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => i === 3 ? cell : cell.padEnd(widths[i] as number)).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

/** Color of a region lane by its index. */
export function regionColor(index: number): string {
  return PALETTE[index % PALETTE.length] as string;
}

/**
 * A timeline: one lane per region (plus "failed"); each connection a bar
 * from its start to its end; each fault a vertical line with its label.
 */
export function renderTimeline(result: ScenarioResult, width = 960): string {
  const lanes = [...result.regions];
  for (const conn of result.connections) {
    if (conn.region !== undefined && !lanes.includes(conn.region)) lanes.push(conn.region);
  }
  lanes.push("failed");
  const laneHeight = 46;
  const left = 80;
  const top = 18 + 14 * Math.max(1, countLabelRows(result));
  const plotWidth = width - left - 10;
  const endMs = Math.max(
    1,
    result.durationMs,
    ...result.connections.map((c) => c.endMs),
    ...result.marks.map((m) => m.atMs),
  );
  const x = (ms: number) => left + (Math.max(0, ms) / endMs) * plotWidth;
  const height = top + lanes.length * laneHeight + 24;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="timeline of ${
      escapeHtml(result.name)
    }">`,
  );
  lanes.forEach((lane, i) => {
    const y = top + i * laneHeight;
    parts.push(
      `<rect x="${left}" y="${y}" width="${plotWidth}" height="${laneHeight - 4}" fill="${
        i % 2 === 0 ? "#f8f9fa" : "#f1f3f5"
      }"/>`,
      `<text x="${left - 6}" y="${y + laneHeight / 2}" text-anchor="end" font-size="12">${
        escapeHtml(lane)
      }</text>`,
    );
  });
  // Stack bars within a lane on a few rows so overlapping connections stay visible.
  const rowsPerLane = 8;
  const counters = new Map<string, number>();
  for (const conn of result.connections) {
    const lane = conn.region ?? "failed";
    const index = lanes.indexOf(lane);
    const n = counters.get(lane) ?? 0;
    counters.set(lane, n + 1);
    const y = top + index * laneHeight + 3 + (n % rowsPerLane) * ((laneHeight - 10) / rowsPerLane);
    const color = conn.region === undefined ? FAILED : regionColor(index);
    const x1 = x(conn.startMs);
    const w = Math.max(1.5, x(conn.endMs) - x1);
    parts.push(
      `<rect x="${x1.toFixed(1)}" y="${y.toFixed(1)}" width="${
        w.toFixed(1)
      }" height="3" fill="${color}" opacity="0.75"><title>${
        escapeHtml(`${conn.node ?? "no backend"} ${conn.startMs}–${conn.endMs} ms, ${conn.end}`)
      }</title></rect>`,
    );
  }
  result.marks.forEach((mark, i) => {
    const mx = x(mark.atMs);
    const color = mark.kind === "fault" ? FAILED : mark.kind === "heal" ? "#2b8a3e" : "#495057";
    const labelY = 14 + (i % Math.max(1, countLabelRows(result))) * 14;
    parts.push(
      `<line x1="${mx.toFixed(1)}" y1="${labelY + 2}" x2="${mx.toFixed(1)}" y2="${
        top + lanes.length * laneHeight
      }" stroke="${color}" stroke-dasharray="4 3"/>`,
      `<text x="${
        (mx > width - 200 ? mx - 3 : mx + 3).toFixed(1)
      }" y="${labelY}" font-size="11" fill="${color}"${
        mx > width - 200 ? ' text-anchor="end"' : ""
      }>${escapeHtml(`${mark.label} @${(mark.atMs / 1000).toFixed(2)}s`)}</text>`,
    );
  });
  const axisY = top + lanes.length * laneHeight + 14;
  const step = niceStep(endMs);
  for (let t = 0; t <= endMs; t += step) {
    parts.push(
      `<text x="${x(t).toFixed(1)}" y="${axisY}" font-size="10" text-anchor="middle">${
        (t / 1000).toFixed(step < 1000 ? 1 : 0)
      }s</text>`,
    );
  }
  parts.push("</svg>");
  return parts.join("");
}

function countLabelRows(result: ScenarioResult): number {
  return Math.min(4, result.marks.length);
}

function niceStep(endMs: number): number {
  for (const step of [500, 1000, 2000, 5000, 10000, 20000, 30000, 60000]) {
    if (endMs / step <= 12) return step;
  }
  return 120000;
}

/** The whole report as one HTML document. */
export function renderReport(
  results: readonly ScenarioResult[],
  meta: { readonly startedAt: string; readonly totalMs: number; readonly toxiproxy: string },
): string {
  const passed = results.filter((r) => r.ok).length;
  const summary = results.map((r) =>
    `<tr class="${r.ok ? "ok" : "bad"}"><td><a href="#${escapeHtml(r.name)}">${
      escapeHtml(r.name)
    }</a></td><td>${verdict(r)}</td><td>${(r.durationMs / 1000).toFixed(1)}s</td><td>${
      r.figures.map(([k, v]) => `${escapeHtml(k)}=<b>${escapeHtml(v)}</b>`).join("; ")
    }</td></tr>`
  ).join("\n");
  const sections = results.map((r) =>
    `<section id="${escapeHtml(r.name)}"><h2>${escapeHtml(r.name)} — ${
      escapeHtml(r.title)
    } <span class="${r.ok ? "ok" : "bad"}">${verdict(r)}</span></h2>${
      r.knownIssue === undefined
        ? ""
        : `\n<p class="bad">Known sidecar issue: ${escapeHtml(r.knownIssue)}</p>`
    }
<ul>${r.figures.map(([k, v]) => `<li>${escapeHtml(k)}: <b>${escapeHtml(v)}</b></li>`).join("")}</ul>
${
      r.problems.length === 0
        ? ""
        : `<ul class="bad">${r.problems.map((p) => `<li>${escapeHtml(p)}</li>`).join("")}</ul>`
    }
<div class="chart">${renderTimeline(r)}</div>
<p class="legend">${r.connections.length} connections; bars run from connect to close, one lane per region (preference order) and one for connections no backend greeted; dashed lines: faults (red), heals (green), events (grey).</p>
</section>`
  ).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Iaido chaos report</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#212529}
table{border-collapse:collapse}td,th{border:1px solid #dee2e6;padding:4px 8px;text-align:left;vertical-align:top}
.ok{color:#2b8a3e}.bad{color:#c92a2a}tr.bad td{background:#fff5f5}
section{margin-top:32px}.chart{overflow-x:auto}.legend{color:#868e96;font-size:12px}
</style></head><body>
<h1>Iaido chaos report</h1>
<p>${passed}/${results.length} scenarios passed · started ${escapeHtml(meta.startedAt)} · ${
    (meta.totalMs / 1000).toFixed(1)
  }s · Toxiproxy: ${escapeHtml(meta.toxiproxy)}</p>
<table><tr><th>scenario</th><th>result</th><th>time</th><th>figures</th></tr>
${summary}
</table>
${sections}
</body></html>
`;
}
