/**
 * What the demo shows: in a terminal, a table redrawn in place (per region:
 * active sessions, sessions served, moved, failures) under a progress bar;
 * elsewhere, plain timestamped lines.
 * @module
 */

import { regionOf, REGIONS, type SessionRecord } from "./storyline.ts";

/** Per-region figures at one moment. */
export interface RegionFigures {
  readonly active: number;
  readonly served: number;
  /** Sessions the sidecar ended early (outage, failback) — the client reconnected. */
  readonly moved: number;
}

/** Counts the records per region. */
export function figures(records: readonly SessionRecord[]): Map<string, RegionFigures> {
  const out = new Map<string, { active: number; served: number; moved: number }>(
    REGIONS.map((region) => [region, { active: 0, served: 0, moved: 0 }]),
  );
  for (const record of records) {
    const region = record.node === undefined ? undefined : regionOf(record.node);
    const row = region === undefined ? undefined : out.get(region);
    if (row === undefined) continue;
    row.served++;
    if (record.endedAt === undefined) row.active++;
    if (record.interrupted) row.moved++;
  }
  return out;
}

/** Failed connects so far. */
export function failures(records: readonly SessionRecord[]): number {
  return records.filter((record) => record.node === undefined && record.endedAt !== undefined)
    .length;
}

/** The table as lines. */
export function table(records: readonly SessionRecord[], step: string, progress: number): string[] {
  const width = 30;
  const filled = Math.round(Math.min(1, progress) * width);
  const lines = [
    `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${Math.round(progress * 100)}%  ${step}`,
    "",
    `${"region".padEnd(8)}${"active".padStart(8)}${"served".padStart(8)}${"moved".padStart(8)}`,
  ];
  for (const [region, row] of figures(records)) {
    lines.push(
      `${region.padEnd(8)}${String(row.active).padStart(8)}${String(row.served).padStart(8)}${
        String(row.moved).padStart(8)
      }`,
    );
  }
  lines.push("", `failed connects: ${failures(records)}`);
  return lines;
}

/** A one-line summary for non-terminal output. */
export function summaryLine(records: readonly SessionRecord[]): string {
  const parts = [...figures(records)].map(([region, row]) =>
    `${region} active=${row.active} served=${row.served} moved=${row.moved}`
  );
  return `${parts.join(" | ")} | failed=${failures(records)}`;
}
