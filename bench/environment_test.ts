import assert from "node:assert/strict";
import { firstVersionLine } from "./environment.ts";

Deno.test("firstVersionLine() finds the line with a version number", () => {
  assert.equal(
    firstVersionLine(
      "HAProxy version 2.6.12-1+deb12u4 2026/10/17 - https://haproxy.org/\nStatus: x",
    ),
    "HAProxy version 2.6.12-1+deb12u4 2026/10/17 - https://haproxy.org/",
  );
  assert.equal(firstVersionLine("\nredis-benchmark 7.0.15\n"), "redis-benchmark 7.0.15");
});
