import assert from "node:assert/strict";
import { smallScenario } from "./test_scenario.ts";

const MOD = new URL("./mod.ts", import.meta.url).pathname;

async function simulate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", MOD, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("deno task simulate: one line per fleet size and variant, an HTML report and the chart", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/small.json`;
    await Deno.writeTextFile(file, JSON.stringify(smallScenario()));
    const { code, stdout, stderr } = await simulate([
      "--scenario",
      file,
      "--sidecars",
      "10,20",
      "--report",
      `${dir}/out/report.html`,
      "--svg",
      `${dir}/out/chart.svg`,
    ]);
    assert.equal(code, 0, stderr);
    const lines = stdout.split("\n").filter((line) => line.includes("peak/steady"));
    assert.deepEqual(lines.map((line) => line.split(":")[0]), [
      "10 sidecars, defaults",
      "10 sidecars, no slow start, no jitter",
      "20 sidecars, defaults",
      "20 sidecars, no slow start, no jitter",
    ]);
    assert.match(
      lines[0] ?? "",
      /home peak\/steady \d+\.\d\d× \(peak \d+\/s at \d+s, steady \d+\/s/,
    );
    const html = await Deno.readTextFile(`${dir}/out/report.html`);
    assert.match(html, /^<!doctype html>/);
    assert.ok((html.match(/<svg /g) ?? []).length >= 10, "charts per run");
    assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/, "self-contained");
    assert.match(await Deno.readTextFile(`${dir}/out/chart.svg`), /^<svg .*2× steady/s);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task simulate: a bad scenario or flag is one clear error and exit 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/bad.yaml`;
    await Deno.writeTextFile(
      file,
      "duration: 10m\nfleet: { sizes: [-1] }\nbackends: []\npool: {}\n",
    );
    const bad = await simulate(["--scenario", file]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.yaml: invalid config \(2 problems\)/);
    assert.match(bad.stderr, /fleet\.sizes\[0\]: must be an integer 1-1000000, got -1/);
    assert.match(bad.stderr, /backends: must be a list of at least one backend/);
    const flag = await simulate(["--sidecars", "many"]);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /--sidecars: want whole numbers/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
