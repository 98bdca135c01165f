/**
 * The idle-session budget as rows: each layer's measured KiB per
 * connection and what it adds to the layer below. Pure.
 * @module
 */

/** One layer's measured growth per connection. */
export interface LayerFigure {
  readonly layer: string;
  /** Median KiB of VmRSS per idle connection. */
  readonly kib: number;
  /** The layer this one builds on, whose cost it includes. */
  readonly over?: string;
}

/** A row of the budget: a layer, its total, and what it adds. */
export interface BudgetRow {
  readonly layer: string;
  readonly kib: number;
  /** `kib` less the layer it builds on; the whole figure for a base layer. */
  readonly adds: number;
  readonly over: string | undefined;
}

/** Rows in the order given, each with what it adds over its base. */
export function budgetRows(figures: readonly LayerFigure[]): BudgetRow[] {
  return figures.map((figure) => {
    const base = figures.find((candidate) => candidate.layer === figure.over);
    return {
      layer: figure.layer,
      kib: figure.kib,
      adds: base === undefined ? figure.kib : figure.kib - base.kib,
      over: base?.layer,
    };
  });
}

/** The rows as a plain-text table. */
export function renderBudget(rows: readonly BudgetRow[]): string {
  const lines = rows.map((row) =>
    `${row.layer.padEnd(11)} ${row.kib.toFixed(2).padStart(6)} KiB/conn  ${
      row.over === undefined
        ? "(base)"
        : `${row.adds >= 0 ? "+" : ""}${row.adds.toFixed(2)} over ${row.over}`
    }`
  );
  return ["layer       VmRSS growth per idle connection", ...lines].join("\n");
}
