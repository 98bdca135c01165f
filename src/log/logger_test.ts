import assert from "node:assert/strict";
import { createLogger, silentLogger } from "./logger.ts";

Deno.test("createLogger() writes text lines with quoted fields, above the level only", () => {
  const lines: string[] = [];
  const log = createLogger({ level: "info", write: (line) => lines.push(line), now: () => 0 });
  log.debug("hidden");
  log.info("session ended", { backend: "127.0.0.1:1", how: "client close", bytes: 3 });
  assert.deepEqual(lines, [
    `1970-01-01T00:00:00.000Z INFO  session ended backend=127.0.0.1:1 how="client close" bytes=3`,
  ]);
});

Deno.test("createLogger() writes JSON lines in json format", () => {
  const lines: string[] = [];
  const log = createLogger({ format: "json", write: (line) => lines.push(line), now: () => 0 });
  log.warn("slow", { ms: 5 });
  assert.deepEqual(JSON.parse(lines[0] ?? ""), {
    time: "1970-01-01T00:00:00.000Z",
    level: "warn",
    msg: "slow",
    ms: 5,
  });
});

Deno.test("enabled() says which levels are written, so callers can skip work for dropped lines", () => {
  const log = createLogger({ level: "warn", write: () => {} });
  assert.equal(log.enabled?.("info"), false);
  assert.equal(log.enabled?.("warn"), true);
  assert.equal(log.enabled?.("error"), true);
  assert.equal(createLogger({ write: () => {} }).enabled?.("info"), true);
  assert.equal(silentLogger.enabled?.("error"), false);
});
