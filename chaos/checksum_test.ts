import assert from "node:assert/strict";
import { Checksum, payload } from "./checksum.ts";
import { parseBenchmarkCsv } from "./redis.ts";

Deno.test("Checksum is FNV-1a and does not depend on how bytes are split", () => {
  assert.equal(new Checksum().update(new TextEncoder().encode("a")).hex, "e40c292c");
  const data = payload(7, 10_000);
  const whole = new Checksum().update(data);
  const parts = new Checksum().update(data.subarray(0, 3)).update(data.subarray(3, 7777))
    .update(data.subarray(7777));
  assert.equal(parts.hex, whole.hex);
  assert.equal(parts.bytes, 10_000);
});

Deno.test("payload() is repeatable per seed and differs between seeds", () => {
  assert.deepEqual(payload(1, 64), payload(1, 64));
  assert.notDeepEqual(payload(1, 64), payload(2, 64));
});

Deno.test("parseBenchmarkCsv() reads requests per second by test", () => {
  const rates = parseBenchmarkCsv(
    `"test","rps","avg_latency_ms"\n"SET","71428.57","0.046"\n"GET","95238.09","0.033"\n`,
  );
  assert.deepEqual([...rates], [["SET", 71428.57], ["GET", 95238.09]]);
});
