import assert from "node:assert/strict";
import { escapeLabelValue, Exposition } from "./exposition.ts";
import { Histogram } from "../stats/mod.ts";
import { parseExposition } from "./exposition_parse.ts";

Deno.test("Exposition writes HELP and TYPE once per family and escapes label values", () => {
  const out = new Exposition();
  out.counter("x_total", "Things.", { a: 'say "hi"\\now\n' }, 1);
  out.counter("x_total", "Things.", { a: "b" }, 2);
  out.gauge("y", "A gauge.", {}, 0.5);
  assert.equal(
    out.render(),
    '# HELP x_total Things.\n# TYPE x_total counter\nx_total{a="say \\"hi\\"\\\\now\\n"} 1\nx_total{a="b"} 2\n' +
      "# HELP y A gauge.\n# TYPE y gauge\ny 0.5\n",
  );
  assert.equal(escapeLabelValue("a\\b"), "a\\\\b");
});

Deno.test("Exposition's histograms parse back with cumulative buckets and +Inf equal to the count", () => {
  const histogram = new Histogram([0.1, 1]);
  for (const value of [0.05, 0.5, 5]) histogram.observe(value);
  const out = new Exposition();
  out.histogram("d_seconds", "Durations.", { frontend: "db" }, histogram.snapshot());
  const families = parseExposition(out.render());
  const family = families.get("d_seconds");
  assert.equal(family?.type, "histogram");
  assert.deepEqual(
    family?.samples.map((s) => [s.name, s.labels["le"] ?? "", s.value]),
    [
      ["d_seconds_bucket", "0.1", 1],
      ["d_seconds_bucket", "1", 2],
      ["d_seconds_bucket", "+Inf", 3],
      ["d_seconds_sum", "", 5.55],
      ["d_seconds_count", "", 3],
    ],
  );
});

Deno.test("parseExposition() rejects malformed text, as promtool would", () => {
  assert.throws(() => parseExposition("x 1\n"), /sample x before its # TYPE/);
  assert.throws(() => parseExposition("# TYPE x counter\nx{a=b} 1\n"), /malformed sample/);
  assert.throws(
    () => parseExposition("# TYPE x counter\n# TYPE x counter\n"),
    /second # TYPE for x/,
  );
  assert.throws(() => parseExposition("# TYPE x counter\nx 1"), /must end with a newline/);
});
