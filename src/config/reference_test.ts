import assert from "node:assert/strict";
import { REFERENCE_END, REFERENCE_START, referenceRows, withReference } from "./reference.ts";

Deno.test("referenceRows() lists every field with its type and default", () => {
  const rows = new Map(referenceRows().map((row) => [row.path, row]));
  assert.deepEqual(rows.get("frontends[].idleDuration"), {
    path: "frontends[].idleDuration",
    type: "duration ≤ 576h0m0s",
    defaultValue: "`1h0m0s` (also when 0)",
    meaning: "Close a session with no bytes either way for this long.",
  });
  assert.equal(rows.get("frontends[].backendPool.tiers[].targets[].port")?.type, "integer 1–65535");
  assert.equal(
    rows.get("frontends[].backendPool.tiers[].disableFor.timeout")?.defaultValue,
    "2 × dialFailureTimeout",
  );
  assert.equal(rows.get("frontends")?.defaultValue, "required");
});

/** The table rows between the markers, cells trimmed (deno fmt pads them). */
function tableRows(readme: string): string[][] {
  const section = readme.slice(readme.indexOf(REFERENCE_START), readme.indexOf(REFERENCE_END));
  return section.split("\n").filter((line) => line.startsWith("|"))
    .map((line) => line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim()))
    .filter((cells) => !cells.every((cell) => /^-+$/.test(cell)));
}

Deno.test("the README's config reference is the one the schema generates (run `deno task docs`)", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  const rows = tableRows(readme);
  assert.ok(rows.length > 40, "the README has the reference table");
  assert.deepEqual(
    rows,
    tableRows(withReference(readme)),
    "README.md's config reference is stale: run `deno task docs`",
  );
});
