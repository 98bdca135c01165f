import assert from "node:assert/strict";
import { FULL_SIZES, HELP, parseBenchArgs, QUICK_SIZES, WORKLOAD_NAMES } from "./args.ts";

Deno.test("parseBenchArgs() runs every workload at full size by default", () => {
  const command = parseBenchArgs([]);
  assert.equal(command.kind, "run");
  if (command.kind !== "run") return;
  assert.deepEqual(command.only, WORKLOAD_NAMES);
  assert.ok(command.only.includes("pgbench-8") && command.only.includes("pgbench-1"));
  assert.equal(command.sizes, FULL_SIZES);
  assert.ok(command.sizes.shortReps >= 3 && command.sizes.idleReps >= 3);
  assert.equal(command.htmlFile, "out/bench.html");
  assert.ok(command.sizes.streamBytes >= 2 * 1024 ** 3);
  assert.equal(command.sidecarLogLevel, "warn");
  assert.equal(command.install, true);
});

Deno.test("parseBenchArgs() --quick --only keeps the workloads' order", () => {
  const command = parseBenchArgs(["--quick", "--only", "connect,stream", "--only", "rtt-1"]);
  assert.equal(command.kind, "run");
  if (command.kind !== "run") return;
  assert.deepEqual(command.only, ["stream", "rtt-1", "connect"]);
  assert.equal(command.sizes, QUICK_SIZES);
});

Deno.test("parseBenchArgs() rejects an unknown workload, flag or repetition count", () => {
  assert.throws(() => parseBenchArgs(["--only", "latency"]), /unknown workload "latency"/);
  assert.throws(() => parseBenchArgs(["--fast"]), TypeError);
  assert.throws(() => parseBenchArgs(["--reps", "0"]), /current value is 0/);
});

Deno.test("parseBenchArgs() --reps overrides the short runs' repetitions", () => {
  const command = parseBenchArgs(["--reps", "7"]);
  assert.equal(command.kind === "run" && command.sizes.shortReps, 7);
});

Deno.test("parseBenchArgs() --reference adds the Deno floor; without it there is none", () => {
  const plain = parseBenchArgs([]);
  assert.equal(plain.kind === "run" && plain.reference, false);
  const command = parseBenchArgs(["--reference", "--quick"]);
  assert.equal(command.kind === "run" && command.reference, true);
  assert.match(HELP, /--reference/);
});
