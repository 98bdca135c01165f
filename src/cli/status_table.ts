/**
 * `iaido status`: the `/statusz` picture as a terminal table.
 * @module
 */

import type { Status } from "../diag/mod.ts";

/** Formats the status for a terminal, at most `decisions` recent decisions. */
export function formatStatusTable(status: Status, decisions = 10): string {
  const lines: string[] = [
    `iaido ${status.version} · config generation ${status.configGeneration} · ${status.now}`,
  ];
  if (status.reload.lastError !== null) {
    lines.push(
      `last reload FAILED at ${status.reload.lastError.at}: ${
        status.reload.lastError.problems.join("; ")
      }`,
    );
  }
  // Older sidecars send no notReady.
  for (const reason of status.notReady ?? []) lines.push(`NOT READY: ${reason}`);
  for (const frontend of status.frontends) {
    lines.push("");
    lines.push(
      `frontend ${frontend.name}  ${frontend.address}  sessions ${frontend.activeSessions}  waiting ${frontend.waitingClients}  ${
        frontend.ready ? "ready" : "NOT READY"
      }`,
    );
    for (const name of frontend.unresolvedNames ?? []) {
      lines.push(
        `  ${name.name} does not resolve since ${name.since}: ${name.error}${
          name.keptLastGood ? " (using its last good answer)" : ""
        }`,
      );
    }
    for (const tier of frontend.tiers) {
      lines.push(`  tier ${tier.index} ${tier.name}`);
      const rows = tier.backends.map((backend) => [
        backend.retired ? "◌" : backend.eligible ? "●" : "○",
        backend.address,
        backend.max > 0 ? `${backend.load}/${backend.max}` : String(backend.load),
        backend.latencyMs === null ? "–" : `${backend.latencyMs} ms`,
        backend.health,
        backend.reason,
      ]);
      for (const row of alignColumns(rows)) lines.push(`    ${row}`);
    }
  }
  const recent = status.decisions.slice(-decisions);
  if (recent.length > 0) {
    lines.push("", "recent decisions:");
    for (const decision of recent) {
      const time = decision.at.slice(11, 19);
      const backend = decision.backend === undefined ? "" : ` ${decision.backend}`;
      lines.push(
        `  ${time} ${decision.kind.padEnd(9)} ${decision.frontend}${backend}: ${decision.reason}`,
      );
    }
  }
  return lines.join("\n");
}

function alignColumns(rows: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => widths[index] = Math.max(widths[index] ?? 0, cell.length));
  }
  return rows.map((row) =>
    row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join("  ")
  );
}
