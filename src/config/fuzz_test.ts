/**
 * Config fuzzing: 10,000 seeded mutations of valid YAML and JSON configs,
 * each run through the loader's parse (in-process, the same code the
 * Worker runs) and validation. Every input must end as a valid config or
 * a ConfigError (positioned problems), none past the load time limit; a
 * sample also goes through the real Worker path of `loadConfig`.
 */

import assert from "node:assert/strict";
import { ConfigError } from "./errors.ts";
import { loadConfig } from "./load.ts";
import {
  DEFAULT_LOAD_LIMITS,
  type LoadLimits,
  type LoadReply,
  type Shape,
  shapeOf,
} from "./load_worker.ts";
import { CONFIG_SCHEMA } from "./schema.ts";
import { LOAD_FUNCTIONS_SOURCE } from "./load_worker_source.ts";
import { validateConfig } from "./validate.ts";
// The seeded generator the Toxiproxy-compatible server uses for -seed.
import { seededRandom } from "../../toxiproxy/random.ts";

const SEED = 0x1a1d0;
const MUTATIONS = 10_000;
const THROUGH_WORKER = 40;

type Parse = (text: string, limits: LoadLimits) => LoadReply;
const parsers = await import(
  `data:application/javascript,${
    encodeURIComponent(`${LOAD_FUNCTIONS_SOURCE}\nexport { parseJson, parseYaml, prune };`)
  }`
) as { parseYaml: Parse; parseJson: Parse; prune: (value: unknown, shape: Shape) => unknown };
const SHAPE = shapeOf(CONFIG_SCHEMA);

const YAML_SEEDS = [
  `diagAddr: 127.0.0.1:0
gracePeriod: 30s
frontends:
  - bindAddress: 127.0.0.1:0
    idleDuration: 1h
    backendPool:
      latencyBucket: 10ms
      tiers:
        - name: near
          maxBackendConnections: 32
          healthCheck: {interval: 5s, timeout: 1s, send: "PING\\r\\n", expect: "+PONG"}
          targets:
            - hosts: [127.0.0.1, localhost]
              port: 26257
              proto: tcp
        - name: far
          forcePromotionAfter: 1m
          targets:
            - srv: _db._tcp.example.internal
`,
  `frontends:
  - bindAddress: tcp:[::1]:0
    backendPool:
      failback: {maxSessions: 5, maxPercent: 10, idleFor: 2s}
      tiers:
        - &tier
          dialFailureTimeout: 0s
          disableFor: {refused: 1s, timeout: 2s}
          targets: [{hosts: ["::1"], port: 5432, disabled: false}]
`,
];
const JSON_SEEDS = YAML_SEEDS.map((_, i) =>
  JSON.stringify(
    {
      gracePeriod: i === 0 ? "5s" : 0,
      resolver: { nameServer: "" },
      frontends: [{
        name: `f${i}`,
        bindAddress: "127.0.0.1:0",
        queueTimeout: 250,
        backendPool: {
          maintenanceTime: "30s",
          tiers: [{ targets: [{ hosts: ["127.0.0.1"], port: 1000 + i }] }],
        },
      }],
    },
    null,
    i === 0 ? 2 : 0,
  )
);

const TOKENS = [
  ":",
  ": ",
  "-",
  "- ",
  "[",
  "]",
  "{",
  "}",
  ",",
  "\n",
  "  ",
  "\t",
  "*a",
  "&a ",
  "*x",
  "<<: ",
  "!!binary ",
  "!!str ",
  "~",
  "null",
  "0",
  "0s",
  "-1",
  "1e309",
  "99999",
  "720h",
  "udp",
  "UDP",
  '"',
  "'",
  "#",
  "%YAML 1.2\n---\n",
  "...",
  "|",
  ">",
  "? ",
  "\\u0000",
  "é",
  "\u{1F600}",
  '"a":',
  "true",
  "[[[[[[[[",
  "{{{{",
  "&b [*a, *a, *a, *a]",
  "frontends",
  "tiers",
  "targets",
];

function mutate(text: string, random: () => number): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const at = Math.floor(random() * (text.length + 1));
  const span = Math.floor(random() * 12);
  const lines = text.split("\n");
  switch (Math.floor(random() * 7)) {
    case 0:
      return text.slice(0, at) + text.slice(at + span);
    case 1:
      return text.slice(0, at) + pick(TOKENS) + text.slice(at);
    case 2:
      return text.slice(0, at) + pick(TOKENS) + text.slice(at + span);
    case 3: {
      const line = Math.floor(random() * lines.length);
      lines.splice(line, 0, lines[line] ?? "");
      return lines.join("\n");
    }
    case 4: {
      const [a, b] = [Math.floor(random() * lines.length), Math.floor(random() * lines.length)];
      [lines[a], lines[b]] = [lines[b] ?? "", lines[a] ?? ""];
      return lines.join("\n");
    }
    case 5:
      return text.slice(0, at);
    default:
      return text.replace(/\d+/, () => String(Math.floor(random() * 2 ** 33) - 2 ** 31));
  }
}

/** "valid", "error", or a sentence saying what went wrong. */
function outcome(parse: Parse, text: string): string {
  const reply = parse(text, DEFAULT_LOAD_LIMITS);
  if ("problems" in reply) {
    return reply.problems.length > 0 && reply.problems.every((p) => typeof p.message === "string")
      ? "error"
      : `problems without messages: ${JSON.stringify(reply)}`;
  }
  if (!("value" in reply)) return `unexpected reply ${JSON.stringify(reply)}`;
  const raw = validated(reply.value);
  // What the Worker posts is pruned to the schema: validation must not notice.
  const pruned = validated(parsers.prune(reply.value, SHAPE));
  if (raw !== pruned) return `pruning changed validation: ${raw} → ${pruned}`;
  return raw.startsWith("valid") ? "valid" : raw.startsWith("error") ? "error" : raw;
}

function validated(value: unknown): string {
  try {
    return `valid ${JSON.stringify(validateConfig(value, "fuzz.yaml"))}`;
  } catch (error) {
    return error instanceof ConfigError ? `error ${error.message}` : `not a ConfigError: ${error}`;
  }
}

Deno.test(`config fuzz: ${MUTATIONS} seeded mutations end as a valid config or a ConfigError, in time`, async () => {
  const random = seededRandom(SEED);
  const counts = { valid: 0, error: 0 };
  const failures: string[] = [];
  let slowest = 0;
  const samples: Array<{ name: string; text: string }> = [];
  for (let i = 0; i < MUTATIONS; i++) {
    const json = i % 4 === 3;
    let text = (json ? JSON_SEEDS : YAML_SEEDS)[i % 2] as string;
    for (let rounds = 1 + Math.floor(random() * 4); rounds > 0; rounds--) {
      text = mutate(text, random);
    }
    const started = performance.now();
    const result = outcome(json ? parsers.parseJson : parsers.parseYaml, text);
    slowest = Math.max(slowest, performance.now() - started);
    if (result === "valid" || result === "error") counts[result]++;
    else failures.push(`mutation ${i}: ${result}\n${JSON.stringify(text)}`);
    if (i % Math.floor(MUTATIONS / THROUGH_WORKER) === 0) {
      samples.push({ name: `m${i}.${json ? "json" : "yaml"}`, text });
    }
  }
  console.log(`fuzz: ${JSON.stringify(counts)}, slowest parse ${slowest.toFixed(1)} ms`);
  assert.deepEqual(failures.slice(0, 5), []);
  assert.ok(slowest < DEFAULT_LOAD_LIMITS.timeoutMs, `slowest parse ${slowest.toFixed(0)} ms`);
  assert.ok(counts.valid > 100 && counts.error > 100, JSON.stringify(counts));
  const dir = await Deno.makeTempDir();
  for (const { name, text } of samples) {
    await Deno.writeTextFile(`${dir}/${name}`, text);
    const error = await loadConfig(`${dir}/${name}`).then(() => undefined, (error) => error);
    assert.ok(error === undefined || error instanceof ConfigError, `${name}: ${error}`);
  }
});
