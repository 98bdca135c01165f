import assert from "node:assert/strict";
import { parseRedisBenchmarkCsv, redisBenchmarkArgs } from "./redis_benchmark.ts";

const CSV = `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms"
"PING_INLINE","65445.03","0.601","0.168","0.543","1.167"
`;

Deno.test("parseRedisBenchmarkCsv() reads rps by test name", () => {
  assert.deepEqual(parseRedisBenchmarkCsv(CSV), new Map([["PING_INLINE", 65445.03]]));
});

Deno.test("parseRedisBenchmarkCsv() skips warnings around the CSV", () => {
  const text =
    `WARNING: Keepalive disabled. You probably need tcp_tw_reuse\n${CSV}\nsome trailer\n`;
  assert.equal(parseRedisBenchmarkCsv(text).get("PING_INLINE"), 65445.03);
});

Deno.test("parseRedisBenchmarkCsv() reads several tests", () => {
  const text = `"test","rps"\n"SET","100.5"\n"GET","200"\n`;
  assert.deepEqual([...parseRedisBenchmarkCsv(text)], [["SET", 100.5], ["GET", 200]]);
});

Deno.test("parseRedisBenchmarkCsv() fails on output without CSV (server unreachable)", () => {
  assert.throws(
    () => parseRedisBenchmarkCsv("Could not connect to Redis at 127.0.0.1:1: Connection refused"),
    /no CSV/,
  );
  assert.throws(() => parseRedisBenchmarkCsv(`"test","rps"\n`), /no rows/);
});

Deno.test("redisBenchmarkArgs() reconnects per request with -k 0", () => {
  const args = redisBenchmarkArgs(7000, { connections: 50, requests: 1000, keepAlive: false });
  assert.deepEqual(args.slice(0, 4), ["-h", "127.0.0.1", "-p", "7000"]);
  assert.equal(args[args.indexOf("-k") + 1], "0");
  assert.equal(args[args.indexOf("-c") + 1], "50");
});
