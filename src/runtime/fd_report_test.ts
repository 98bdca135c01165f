import assert from "node:assert/strict";
import { validateConfig } from "../config/mod.ts";
import { reportFdHeadroom } from "./fd_report.ts";
import { recordingLog } from "../testing/mod.ts";

const config = validateConfig({
  frontends: [{
    bindAddress: "127.0.0.1:0",
    backendPool: {
      tiers: [{
        maxBackendConnections: 64,
        targets: [{ hosts: ["10.0.0.1", "10.0.0.2", "10.0.0.3"], port: 26257 }],
      }],
    },
  }],
});

Deno.test("reportFdHeadroom() warns when ulimit -n is below what the config can hold", () => {
  const log = recordingLog();
  reportFdHeadroom(
    config,
    { limit: 256, source: "ulimit", inUse: 0, shedAt: 192, atLimit: false },
    log,
  );
  assert.equal(log.lines[0]?.[0], "warn");
  assert.equal(log.lines[0]?.[2]?.["needed"], 64 * 3 * 2 + 64);
});

Deno.test("reportFdHeadroom() is one info line when the limit suffices, or says it is not readable", () => {
  const log = recordingLog();
  reportFdHeadroom(config, {
    limit: 4096,
    source: "ulimit",
    inUse: 0,
    shedAt: 4032,
    atLimit: false,
  }, log);
  reportFdHeadroom(config, {
    limit: undefined,
    source: "unknown",
    inUse: 0,
    shedAt: undefined,
    atLimit: false,
  }, log);
  assert.deepEqual(log.lines.map(([level]) => level), ["info", "info"]);
  assert.match(log.lines[1]?.[1] ?? "", /not readable/);
});
