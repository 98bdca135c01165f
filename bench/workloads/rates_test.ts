import assert from "node:assert/strict";
import { measureRates, type RateWorkload } from "./rates.ts";
import type { Target } from "../target.ts";

const direct: Target = { name: "direct", ports: new Map(), pid: undefined };

/** A workload whose runs fail as often as `failures` says, then give `rate`. */
function flaky(failures: number, rate: number): RateWorkload & { runs: number } {
  return {
    id: "connect",
    title: "new connections",
    unit: "conn/s",
    cpuTitle: "CPU",
    cpuUnit: "CPU-µs/conn",
    cpuScale: 1e6,
    runs: 0,
    run() {
      this.runs++;
      if (this.runs <= failures) {
        return Promise.reject(new Error("redis-benchmark: exit code 1\nError: reset by peer\n"));
      }
      return Promise.resolve({ rate, work: 1 });
    },
  };
}

Deno.test("measureRates() tries a failed run once more and says why", async () => {
  const lines: string[] = [];
  const workload = flaky(1, 5000);
  const [rates] = await measureRates([direct], workload, 2, (line) => lines.push(line));
  assert.deepEqual(rates?.samples.direct, [5000, 5000]);
  assert.equal(workload.runs, 3);
  assert.ok(lines.includes("connect direct: failed (Error: reset by peer); once more"));
});

Deno.test("measureRates() gives up when the second try fails too", async () => {
  await assert.rejects(
    () => measureRates([direct], flaky(2, 5000), 1, () => {}),
    /reset by peer/,
  );
});
