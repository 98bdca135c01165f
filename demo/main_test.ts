import assert from "node:assert/strict";
import { parseDemoArgs } from "./main.ts";

Deno.test("demo flags: the storyline is at least 40 s; bad numbers exit 2", () => {
  assert.deepEqual(parseDemoArgs(["--duration", "10", "--workers", "3"]), {
    durationMs: 40_000,
    loop: false,
    workers: 3,
  });
  assert.deepEqual(parseDemoArgs(["--loop"]), { durationMs: 60_000, loop: true, workers: 12 });
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args.join(" "));
  try {
    assert.equal(parseDemoArgs(["--workers", "many"]), 2);
  } finally {
    console.error = original;
  }
  assert.match(String(errors[0]), /--duration and --workers take numbers/);
});
