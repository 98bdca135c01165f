/**
 * The scenario file: a fleet, its clients, the backends, the sidecars'
 * `backendPool` exactly as in iaido.yaml, and a script of outages and
 * recoveries. YAML or JSON; every problem is reported at once, path first
 * (see simulate/README.md for the format).
 * @module
 */

import {
  type BackendPool,
  ConfigError,
  type Frontend,
  parseDuration,
  parseYaml,
  validateConfig,
} from "../src/config/mod.ts";

/** How session lengths are drawn around their mean. */
export type LengthDistribution = "exponential" | "fixed" | "uniform";

/** One server the sidecars dial. */
export interface SimBackend {
  /** The host name the pool's targets use for it. */
  readonly name: string;
  /** Its connect latency, as probes measure it. */
  readonly latencyMs: number;
  /** It refuses connections beyond this many sessions (0 = no limit). */
  readonly maxSessions: number;
}

/** A change to backends at a point in time. */
export interface SimEvent {
  readonly atMs: number;
  /** Backends that stop: they refuse new connections and cut open sessions. */
  readonly down: readonly string[];
  /** Backends that come back. */
  readonly up: readonly string[];
}

/** A validated scenario; durations in milliseconds. */
export interface Scenario {
  readonly file: string;
  readonly seed: number;
  readonly durationMs: number;
  /** Width of a report bin. */
  readonly binMs: number;
  readonly fleetSizes: readonly number[];
  /** Sidecars start at random within this window (it sets their timers' phases). */
  readonly startSpreadMs: number;
  /** New sessions per second per sidecar (Poisson). */
  readonly arrivalsPerSecond: number;
  readonly sessionLengthMs: number;
  readonly sessionDistribution: LengthDistribution;
  /** A session that is cut or moved reconnects at once for the rest of its length. */
  readonly reconnect: boolean;
  /** Each sidecar starts holding the sessions of the steady state (arrivals × mean length). */
  readonly warm: boolean;
  readonly backends: readonly SimBackend[];
  /** The sidecar's frontend (bind address unused), with its backendPool. */
  readonly frontend: Frontend;
  /** The pool as written, for variants. */
  readonly poolInput: Record<string, unknown>;
  readonly frontendInput: Record<string, unknown>;
  readonly events: readonly SimEvent[];
  /** The tier whose peak/steady the summary reports (default: the first). */
  readonly watchTier: number;
}

/** Reads and validates a scenario file. */
export async function loadScenario(file: string): Promise<Scenario> {
  return parseScenario(await readScenarioValue(file), file);
}

/** Reads a scenario file (YAML, or JSON by its extension) into a plain value, unvalidated. */
export async function readScenarioValue(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    throw new ConfigError([`cannot read scenario: ${(error as Error).message}`], file);
  }
  let value: unknown;
  if (file.endsWith(".json")) {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ConfigError([(error as Error).message], file);
    }
  } else {
    const parsed = parseYaml(text);
    if ("problems" in parsed) {
      throw new ConfigError(
        parsed.problems.map((p) => `${p.line}:${p.column}: ${p.message}`),
        file,
      );
    }
    value = parsed.value;
  }
  return value;
}

const TOP_KEYS = [
  "seed",
  "duration",
  "bin",
  "fleet",
  "clients",
  "backends",
  "frontend",
  "pool",
  "events",
  "watch",
];

/** Validates a parsed scenario. @throws {ConfigError} with every problem. */
export function parseScenario(value: unknown, file = "(scenario)"): Scenario {
  const problems: string[] = [];
  const top = mapping(value, "", problems) ?? {};
  unknownKeys(top, TOP_KEYS, "", problems);
  const fleet = mapping(top.fleet ?? {}, "fleet", problems) ?? {};
  unknownKeys(fleet, ["sizes", "startSpread"], "fleet", problems);
  const clients = mapping(top.clients ?? {}, "clients", problems) ?? {};
  unknownKeys(
    clients,
    ["arrivalsPerSecond", "sessionLength", "sessionDistribution", "reconnect", "warm"],
    "clients",
    problems,
  );
  const seed = integer(top.seed ?? 1, "seed", 0, 2 ** 32 - 1, problems);
  const durationMs = duration(top.duration ?? "10m", "duration", 1000, problems);
  const binMs = duration(top.bin ?? "1s", "bin", 1, problems);
  const sizesValue = fleet.sizes ?? [1000];
  const fleetSizes = Array.isArray(sizesValue)
    ? sizesValue.map((size, i) => integer(size, `fleet.sizes[${i}]`, 1, 1_000_000, problems))
    : [integer(sizesValue, "fleet.sizes", 1, 1_000_000, problems)];
  const startSpreadMs = duration(fleet.startSpread ?? 0, "fleet.startSpread", 0, problems);
  const arrivalsPerSecond = number(
    clients.arrivalsPerSecond ?? 0.5,
    "clients.arrivalsPerSecond",
    problems,
  );
  const sessionLengthMs = duration(
    clients.sessionLength ?? "2m",
    "clients.sessionLength",
    1,
    problems,
  );
  const distribution = clients.sessionDistribution ?? "exponential";
  if (!["exponential", "fixed", "uniform"].includes(String(distribution))) {
    problems.push(
      `clients.sessionDistribution: must be one of exponential, fixed, uniform, got ${
        JSON.stringify(distribution)
      }`,
    );
  }
  const reconnect = clients.reconnect ?? true;
  if (typeof reconnect !== "boolean") {
    problems.push(`clients.reconnect: must be true or false, got ${JSON.stringify(reconnect)}`);
  }
  const warm = clients.warm ?? true;
  if (typeof warm !== "boolean") {
    problems.push(`clients.warm: must be true or false, got ${JSON.stringify(warm)}`);
  }

  const backends: SimBackend[] = [];
  const backendList = top.backends;
  if (!Array.isArray(backendList) || backendList.length === 0) {
    problems.push("backends: must be a list of at least one backend");
  } else {
    backendList.forEach((item, i) => {
      const path = `backends[${i}]`;
      const entry = mapping(item, path, problems);
      if (entry === undefined) return;
      unknownKeys(entry, ["name", "latency", "maxSessions"], path, problems);
      if (typeof entry.name !== "string" || entry.name === "") {
        problems.push(`${path}.name: is required (the host name the pool's targets use)`);
        return;
      }
      if (backends.some((b) => b.name === entry.name)) {
        problems.push(`${path}.name: ${entry.name} is listed twice`);
      }
      backends.push({
        name: entry.name,
        latencyMs: duration(entry.latency ?? "1ms", `${path}.latency`, 0, problems),
        maxSessions: integer(entry.maxSessions ?? 0, `${path}.maxSessions`, 0, 2 ** 31, problems),
      });
    });
  }
  const names = new Set(backends.map((b) => b.name));

  const events: SimEvent[] = [];
  const eventList = top.events ?? [];
  if (!Array.isArray(eventList)) problems.push("events: must be a list");
  else {
    eventList.forEach((item, i) => {
      const path = `events[${i}]`;
      const entry = mapping(item, path, problems);
      if (entry === undefined) return;
      unknownKeys(entry, ["at", "down", "up"], path, problems);
      const names_ = (key: "down" | "up") => {
        const list = entry[key] ?? [];
        if (!Array.isArray(list)) {
          problems.push(`${path}.${key}: must be a list of backend names`);
          return [];
        }
        for (const name of list) {
          if (!names.has(String(name))) {
            problems.push(`${path}.${key}: no backend named ${JSON.stringify(name)}`);
          }
        }
        return list.map(String);
      };
      events.push({
        atMs: duration(entry.at, `${path}.at`, 0, problems),
        down: names_("down"),
        up: names_("up"),
      });
    });
  }
  events.sort((a, b) => a.atMs - b.atMs);

  const poolInput = mapping(top.pool, "pool", problems) ?? {};
  const frontendInput = mapping(top.frontend ?? {}, "frontend", problems) ?? {};
  unknownKeys(
    frontendInput,
    ["queueTimeout", "rebalanceDuration", "idleDuration"],
    "frontend",
    problems,
  );
  let frontend: Frontend | undefined;
  if (problems.length === 0) {
    try {
      frontend = validateFrontend(frontendInput, poolInput);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  let watchTier = 0;
  if (frontend !== undefined) {
    for (const [t, tier] of frontend.backendPool.tiers.entries()) {
      tier.targets.forEach((target, i) => {
        for (const host of target.hosts) {
          if (!names.has(host)) {
            problems.push(
              `pool.tiers[${t}].targets[${i}].hosts: ${host} is not one of the backends`,
            );
          }
        }
        if (target.srv !== "") {
          problems.push(`pool.tiers[${t}].targets[${i}].srv: the simulator takes hosts only`);
        }
      });
    }
    const watch = mapping(top.watch ?? {}, "watch", problems) ?? {};
    unknownKeys(watch, ["tier"], "watch", problems);
    if (watch.tier !== undefined) {
      watchTier = frontend.backendPool.tiers.findIndex((tier) => tier.name === watch.tier);
      if (watchTier < 0) {
        problems.push(`watch.tier: no tier named ${JSON.stringify(watch.tier)}`);
      }
    }
  }
  if (problems.length > 0 || frontend === undefined) throw new ConfigError(problems, file);
  return {
    file,
    seed,
    durationMs,
    binMs,
    fleetSizes,
    startSpreadMs,
    arrivalsPerSecond,
    sessionLengthMs,
    sessionDistribution: distribution as LengthDistribution,
    reconnect: reconnect as boolean,
    warm: warm as boolean,
    backends,
    frontend,
    poolInput,
    frontendInput,
    events,
    watchTier,
  };
}

/**
 * The sidecar's frontend from the scenario's `frontend` and `pool`, through
 * the real config validation; problem paths name the scenario's keys.
 */
export function validateFrontend(
  frontendInput: Record<string, unknown>,
  poolInput: Record<string, unknown>,
): Frontend {
  try {
    const config = validateConfig({
      frontends: [{
        name: "sim",
        bindAddress: "127.0.0.1:0",
        ...frontendInput,
        backendPool: poolInput,
      }],
    });
    return config.frontends[0] as Frontend;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(
      error.problems.map((p) =>
        p.replace(/^frontends\[0\]\.backendPool/, "pool").replace(/^frontends\[0\]/, "frontend")
      ),
    );
  }
}

/** The same scenario with a different pool (a variant to compare). */
export function withPool(scenario: Scenario, poolInput: Record<string, unknown>): Scenario {
  return {
    ...scenario,
    poolInput,
    frontend: validateFrontend(scenario.frontendInput, poolInput),
  };
}

/** The pool input with slow start and failback jitter turned off everywhere. */
export function withoutSlowStartAndJitter(
  poolInput: Record<string, unknown>,
): Record<string, unknown> {
  const tiers = Array.isArray(poolInput.tiers) ? poolInput.tiers : [];
  return {
    ...poolInput,
    failback: { ...(poolInput.failback as Record<string, unknown> ?? {}), jitter: 0 },
    tiers: tiers.map((tier) => ({ ...(tier as Record<string, unknown>), slowStart: 0 })),
  };
}

/** Whether the pool leaves the fleet-safety settings at their defaults. */
export function usesDefaults(poolInput: Record<string, unknown>): boolean {
  const failback = (poolInput.failback ?? {}) as Record<string, unknown>;
  const tiers = Array.isArray(poolInput.tiers) ? poolInput.tiers : [];
  return ["maxSessions", "maxPercent", "jitter"].every((key) => failback[key] === undefined) &&
    tiers.every((tier) =>
      (tier as Record<string, unknown>).slowStart === undefined &&
      (tier as Record<string, unknown>).slowStartAggression === undefined
    );
}

/** The pool of the frontend, for convenience. */
export function poolOf(scenario: Scenario): BackendPool {
  return scenario.frontend.backendPool;
}

function mapping(
  value: unknown,
  path: string,
  problems: string[],
): Record<string, unknown> | undefined {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  problems.push(`${path || "(top level)"}: must be a mapping, got ${describe(value)}`);
  return undefined;
}

function unknownKeys(
  record: Record<string, unknown>,
  known: readonly string[],
  path: string,
  problems: string[],
): void {
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) {
      problems.push(
        `${path === "" ? key : `${path}.${key}`}: unknown key (known: ${known.join(", ")})`,
      );
    }
  }
}

function duration(value: unknown, path: string, min: number, problems: string[]): number {
  let ms: number | undefined;
  if (typeof value === "number" && Number.isFinite(value)) ms = value;
  else if (typeof value === "string") {
    try {
      ms = parseDuration(value);
    } catch (error) {
      problems.push(`${path}: ${(error as Error).message}`);
      return min;
    }
  }
  if (ms === undefined) {
    problems.push(`${path}: must be a duration like "30s", got ${describe(value)}`);
    return min;
  }
  if (ms < min) problems.push(`${path}: must be at least ${min}ms, got ${describe(value)}`);
  return ms;
}

function integer(value: unknown, path: string, min: number, max: number, problems: string[]) {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    problems.push(`${path}: must be an integer ${min}-${max}, got ${describe(value)}`);
    return min;
  }
  return value;
}

function number(value: unknown, path: string, problems: string[]): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    problems.push(`${path}: must be a number above 0, got ${describe(value)}`);
    return 1;
  }
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (value !== null && typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}
