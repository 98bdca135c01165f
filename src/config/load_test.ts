import assert from "node:assert/strict";
import { ConfigError } from "./errors.ts";
import { loadConfig } from "./load.ts";
import { DEFAULT_LOAD_LIMITS, LoadWorker } from "./load_worker.ts";

const GOOD = "frontends:\n  - backendPool: {tiers: [{targets: [{hosts: [127.0.0.1], port: 1}]}]}\n";

async function problems(name: string, text: string, limits = DEFAULT_LOAD_LIMITS) {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/${name}`;
  await Deno.writeTextFile(file, text);
  const error = await loadConfig(file, { limits }).then(() => undefined, (error) => error);
  assert.ok(error instanceof ConfigError, `${name}: expected a ConfigError, got ${error}`);
  return error.message.replaceAll(dir + "/", "");
}

Deno.test("loadConfig() parses YAML in a Worker and validates it", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/iaido.yaml`, GOOD);
  const { config, text } = await loadConfig(`${dir}/iaido.yaml`);
  assert.equal(config.frontends[0]?.backendPool.tiers[0]?.targets[0]?.port, 1);
  assert.equal(text, GOOD);
});

Deno.test("loadConfig(): alias errors, alias bombs, duplicate keys are ConfigErrors with file and line", async () => {
  assert.match(await problems("alias.yaml", "a: *x\n"), /^alias\.yaml:1:4: .*x/);
  const bomb = [
    "a: &a [x, x, x, x, x, x, x, x, x]",
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
    "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
  ].join("\n");
  assert.match(await problems("bomb.yaml", bomb), /^bomb\.yaml:2:\d+: .*alias/i);
  assert.match(
    await problems("dup.yaml", `${GOOD}diagAddr: ""\ndiagAddr: ""\n`),
    /^dup\.yaml:4:1: duplicate key "diagAddr"$/,
  );
});

Deno.test("loadConfig(): deep nesting, too many keys, too many bytes and a timeout hit named limits", async () => {
  assert.match(
    await problems("deep.yaml", `a: ${"[".repeat(100)}${"]".repeat(100)}\n`),
    /^deep\.yaml:1:\d+: nested deeper than 64 levels \(the limit\)$/,
  );
  assert.match(
    await problems("deep.json", `{"a": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`),
    /^deep\.json: nested deeper than 64 levels|^deep\.json: .*call stack/,
  );
  const keys = Array.from({ length: 2000 }, (_, i) => `k${i}: ${i}`).join("\n");
  assert.match(
    await problems("keys.yaml", keys, { ...DEFAULT_LOAD_LIMITS, maxKeys: 1000 }),
    /^keys\.yaml:1001:1: more than 1000 keys \(the limit\)$/,
  );
  assert.match(
    await problems("big.yaml", GOOD, { ...DEFAULT_LOAD_LIMITS, maxBytes: 10 }),
    /^big\.yaml: is \d+ bytes, more than the 10-byte limit$/,
  );
  assert.match(
    await problems("slow.yaml", keys, { ...DEFAULT_LOAD_LIMITS, timeoutMs: 1 }),
    /^slow\.yaml: took longer than 1 ms to load \(the limit\)/,
  );
});

Deno.test("loadConfig(): JSON syntax errors keep their line and column", async () => {
  assert.match(await problems("bad.json", '{\n  "a": 1,\n  oops\n}'), /^bad\.json:3:\d+: /);
});

Deno.test("loadConfig(): a TS syntax error keeps line:column; a module without default export says so", async () => {
  assert.match(
    await problems("syntax.config.ts", "export default {\n  frontends: [ ;\n};\n"),
    /^syntax\.config\.ts:2:\d+: Expression expected$/,
  );
  assert.match(
    await problems("nodefault.config.ts", "export const x = 1;\n"),
    /nodefault\.config\.ts: has no default export/,
  );
});

Deno.test("loadConfig(): a reload re-imports a module with the modules it imports (a fresh Worker)", async () => {
  const dir = await Deno.makeTempDir();
  const port = (n: number) => `export const port = ${n};\n`;
  await Deno.writeTextFile(`${dir}/port.ts`, port(1));
  await Deno.writeTextFile(
    `${dir}/iaido.config.ts`,
    `import { port } from "./port.ts";
export default { frontends: [{ backendPool: { tiers: [{ targets: [{ hosts: ["127.0.0.1"], port }] }] } }] };
`,
  );
  const portOf = (loaded: Awaited<ReturnType<typeof loadConfig>>) =>
    loaded.config.frontends[0]?.backendPool.tiers[0]?.targets[0]?.port;
  assert.equal(portOf(await loadConfig(`${dir}/iaido.config.ts`)), 1);
  await Deno.writeTextFile(`${dir}/port.ts`, port(2));
  assert.equal(portOf(await loadConfig(`${dir}/iaido.config.ts`, { generation: 1 })), 2);
  await Deno.writeTextFile(`${dir}/port.ts`, port(3));
  assert.equal(portOf(await loadConfig(`${dir}/iaido.config.ts`, { generation: 2 })), 3);
});

Deno.test("LoadWorker: one Worker serves many loads; a load past the limit ends it and the next load gets a new one", async () => {
  using worker = new LoadWorker();
  worker.warm();
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/iaido.yaml`, GOOD);
  for (let i = 0; i < 3; i++) {
    const { config } = await loadConfig(`${dir}/iaido.yaml`, { worker });
    assert.equal(config.frontends.length, 1);
  }
  const keys = Array.from({ length: 2000 }, (_, i) => `k${i}: ${i}`).join("\n");
  const slow = await loadConfig(`${dir}/iaido.yaml`, {
    worker,
    text: keys,
    limits: { ...DEFAULT_LOAD_LIMITS, timeoutMs: 1 },
  }).then(() => undefined, (error) => error);
  assert.match(String(slow), /took longer than 1 ms to load/);
  const again = await loadConfig(`${dir}/iaido.yaml`, { worker });
  assert.equal(again.config.frontends.length, 1);
});

Deno.test("LoadWorker.ready() resolves once the Worker answers, and the same Worker then loads", async () => {
  using worker = new LoadWorker();
  await worker.ready();
  await worker.ready();
  assert.deepEqual(await worker.run({ kind: "ping" }), { value: null });
  const reply = await worker.run({ kind: "json", text: '{"frontends": []}' });
  assert.ok("value" in reply, JSON.stringify(reply));
});
