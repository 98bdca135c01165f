/**
 * Go Iaido fidelity: every config in `tests/go_corpus/` is checked by the
 * original Go Iaido (`iaido-go --check`) and by ours, and the two
 * normalized results must agree field by field. The configs under
 * `differs/` are ones Go's `--check` passes but we reject on purpose; each
 * names our error and why (the README's "Migrating from Go Iaido").
 */

import assert from "node:assert/strict";
import {
  ConfigError,
  loadConfig,
  parseDuration,
  parseYaml,
  toInputForm,
} from "../src/config/mod.ts";
import { missingToolLine, sharedTool } from "../src/testing/mod.ts";

const CORPUS = new URL("./go_corpus/", import.meta.url).pathname;

/** The fields Go Iaido has, as paths; durations are compared in milliseconds. */
const GO_DURATIONS = new Set([
  "gracePeriod",
  "idleDuration",
  "rebalanceDuration",
  "latencyBucket",
  "maintenanceTime",
  "dialFailureTimeout",
  "forcePromotionAfter",
]);
const GO_FIELDS: Readonly<Record<string, readonly string[]>> = {
  "": ["diagAddr", "gracePeriod", "frontends"],
  frontend: ["bindAddress", "idleDuration", "rebalanceDuration", "backendPool"],
  backendPool: ["latencyBucket", "maintenanceTime", "tiers"],
  tier: ["dialFailureTimeout", "forcePromotionAfter", "maxBackendConnections", "targets"],
  target: ["disabled", "hosts", "port", "proto"],
};
const CHILD: Readonly<Record<string, string>> = {
  frontends: "frontend",
  backendPool: "backendPool",
  tiers: "tier",
  targets: "target",
};

/**
 * Go Iaido's fields only, durations in ms, and the bind address without
 * the `tcp:` prefix Go keeps in its output but ignores when it listens.
 */
function normalize(value: unknown, kind = ""): unknown {
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of GO_FIELDS[kind] ?? []) {
    const field = record[key];
    if (field === undefined) continue;
    const child = CHILD[key];
    if (GO_DURATIONS.has(key)) out[key] = parseDuration(String(field));
    else if (key === "bindAddress") out[key] = String(field).replace(/^tcp:/i, "");
    else if (child !== undefined && Array.isArray(field)) {
      out[key] = field.map((item) => normalize(item, child));
    } else if (child !== undefined) out[key] = normalize(field, child);
    else out[key] = field;
  }
  return out;
}

/** Every leaf as `path = value`, so a mismatch names its field. */
function leaves(value: unknown, path = ""): string[] {
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, child]) =>
      leaves(child, Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key)
    );
  }
  return [`${path} = ${JSON.stringify(value)}`];
}

async function goCheck(binary: string, file: string): Promise<unknown> {
  const output = await new Deno.Command(binary, {
    args: ["-c", file, "--check"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  // Go's --check prints the config on stderr, and exits 0 even on some errors.
  const text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
  const parsed = parseYaml(text);
  assert.ok(
    "value" in parsed && typeof parsed.value === "object" && parsed.value !== null &&
      "frontends" in parsed.value,
    `Go Iaido rejected ${file}:\n${text}`,
  );
  return parsed.value;
}

async function corpus(folder: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(folder)) {
    if (entry.isFile) names.push(`${folder}${entry.name}`);
  }
  return names.sort();
}

const goIaido = sharedTool("iaido-go");

Deno.test("Go Iaido and ours read every corpus config the same, field by field", async () => {
  const files = await corpus(CORPUS);
  assert.ok(files.length >= 20, `the corpus has ${files.length} configs`);
  if (goIaido === undefined) {
    console.log(missingToolLine("iaido-go"));
    return;
  }
  const mismatches: string[] = [];
  for (const file of files) {
    const theirs = leaves(normalize(await goCheck(goIaido, file)));
    const ours = leaves(normalize(toInputForm((await loadConfig(file)).config)));
    const name = file.slice(CORPUS.length);
    for (const line of theirs) if (!ours.includes(line)) mismatches.push(`${name}: Go ${line}`);
    for (const line of ours) if (!theirs.includes(line)) mismatches.push(`${name}: ours ${line}`);
  }
  assert.deepEqual(mismatches, []);
});

Deno.test("configs Go's --check passes but we reject on purpose fail with the documented error", async () => {
  const files = await corpus(`${CORPUS}differs/`);
  assert.ok(files.length > 0);
  for (const file of files) {
    const text = await Deno.readTextFile(file);
    const expected = /^# ours: (.+)$/m.exec(text)?.[1];
    assert.ok(expected !== undefined && /^# why: .+$/m.test(text), `${file} names error and why`);
    if (goIaido !== undefined) await goCheck(goIaido, file);
    const error = await loadConfig(file).then(() => undefined, (error) => error);
    assert.ok(error instanceof ConfigError, `${file} must be rejected`);
    assert.match(error.message, new RegExp(expected));
  }
  if (goIaido === undefined) console.log(missingToolLine("iaido-go"));
});
