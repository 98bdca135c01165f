import assert from "node:assert/strict";
import { parseOpenFilesLimit, readFdSoftLimit } from "./fd_limit.ts";

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            256                  524288               files
Max locked memory         8388608              8388608              bytes
`;

Deno.test("parseOpenFilesLimit() reads the soft limit", () => {
  assert.equal(parseOpenFilesLimit(LIMITS), 256);
  assert.equal(parseOpenFilesLimit(LIMITS.replace("256  ", "unlimited")), undefined);
  assert.equal(parseOpenFilesLimit("nothing here"), undefined);
});

Deno.test("readFdSoftLimit() reads the limit with --allow-all (the test runner's flags)", () => {
  const limit = readFdSoftLimit();
  if (Deno.build.os !== "linux") return;
  assert.ok(limit !== undefined && limit > 0, String(limit));
});
