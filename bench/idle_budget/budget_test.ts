import assert from "node:assert/strict";
import { budgetRows, renderBudget } from "./budget.ts";

Deno.test("budgetRows() gives each layer what it adds over the one it builds on", () => {
  const rows = budgetRows([
    { layer: "accept", kib: 1.5 },
    { layer: "dial", kib: 3.5, over: "accept" },
    { layer: "reads", kib: 9, over: "dial" },
  ]);
  assert.deepEqual(rows.map((row) => [row.layer, row.adds, row.over]), [
    ["accept", 1.5, undefined],
    ["dial", 2, "accept"],
    ["reads", 5.5, "dial"],
  ]);
  assert.match(renderBudget(rows), /reads\s+9\.00 KiB\/conn {2}\+5\.50 over dial/);
});
