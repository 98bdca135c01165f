import assert from "node:assert/strict";
import { peakRatio } from "./metrics.ts";

Deno.test("peakRatio(): the highest bin after recovery over the steady mean, the last bin left out", () => {
  // bins of 1 s: steady 10/bin in [0, 4), outage [4, 6), recovery at 6 s.
  const counts = [10, 12, 8, 10, 0, 0, 14, 25, 11, 99];
  const ratio = peakRatio(counts, 1000, 0, 4000, 6000);
  assert.equal(ratio.steady, 10);
  assert.equal(ratio.peak, 25, "99 is the last, partial bin");
  assert.equal(ratio.peakBin, 7);
  assert.equal(ratio.ratio, 2.5);
  assert.equal(ratio.noise, 1.2);
});

Deno.test("peakRatio(): nothing steady is a ratio of 0, not a division by zero", () => {
  const ratio = peakRatio([0, 0, 5, 5], 1000, 0, 2000, 2000);
  assert.equal(ratio.ratio, 0);
  assert.equal(ratio.noise, 0);
});
