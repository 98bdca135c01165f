/**
 * Turns parsed input into a normalized, frozen `Config`, or a
 * `ConfigError` listing every problem, path first. Never mutates its input.
 * @module
 */

import { formatDuration, parseDuration } from "./duration.ts";
import { ConfigError } from "./errors.ts";
import { CONFIG_SCHEMA, type Field, MAX_DURATION_MS, normalizedKey, type Spec } from "./schema.ts";
import { POSTGRES_SPEC, protocolBlock, protocolProblems, REDIS_SPEC } from "./schema_protocol.ts";
import type { Config, ConfigInput, Postgres, Redis } from "./types.ts";
import { closestKey } from "./suggest.ts";

/**
 * Validates and normalizes a config.
 *
 * @param input what the file held (parsed YAML/JSON, or a module's default export)
 * @param file the file it came from, for the error's first line
 * @throws {ConfigError} with every problem found
 */
export function validateConfig(input: unknown, file?: string): Config {
  const problems: string[] = [];
  const normalized = walk(input, CONFIG_SCHEMA, "", problems);
  if (problems.length === 0) checkAcrossFields(normalized as Config, problems);
  if (problems.length > 0) throw new ConfigError(problems, file);
  return deepFreeze(fillDerived(normalized as Config));
}

/** The identity, typed: lets `deno check` reject misspelt keys in a TS config. */
export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}

function walk(value: unknown, spec: Spec, path: string, problems: string[]): unknown {
  const fail = (message: string) => {
    problems.push(`${path || "(top level)"}: ${message}`);
    return undefined;
  };
  switch (spec.kind) {
    case "string": {
      if (typeof value !== "string") return fail(`must be a string, got ${describe(value)}`);
      const text = spec.normalize?.(value) ?? value;
      const problem = spec.check?.(text);
      return problem === undefined ? text : fail(problem);
    }
    case "int":
      if (typeof value !== "number" || !Number.isInteger(value)) {
        return fail(`must be an integer, got ${describe(value)}`);
      }
      if (value < spec.min || value > spec.max) {
        return fail(`must be ${spec.min}-${spec.max}, got ${value}`);
      }
      return value;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) {
        return fail(`must be a number, got ${describe(value)}`);
      }
      if (value < spec.min || value > spec.max) {
        return fail(`must be ${spec.min}-${spec.max}, got ${value}`);
      }
      return value;
    case "duration": {
      let ms: number;
      if (typeof value === "number" && Number.isFinite(value)) ms = value;
      else if (typeof value === "string") {
        try {
          ms = parseDuration(value);
        } catch (error) {
          return fail((error as Error).message);
        }
      } else {
        return fail(
          `must be a duration like "30s" or a number of milliseconds, got ${describe(value)}`,
        );
      }
      if (spec.min !== undefined && ms < spec.min) {
        return fail(
          `must be at least ${spec.min === 0 ? "0" : `${spec.min}ms`}, got ${describe(value)}`,
        );
      }
      const max = spec.max ?? MAX_DURATION_MS;
      if (ms > max) {
        return fail(`must be at most ${formatDuration(max)}, got ${describe(value)}`);
      }
      return ms;
    }
    case "bool":
      return typeof value === "boolean"
        ? value
        : fail(`must be true or false, got ${describe(value)}`);
    case "enum": {
      const match = typeof value === "string"
        ? spec.values.find((v) =>
          spec.anyCase ? v.toUpperCase() === value.toUpperCase() : v === value
        )
        : undefined;
      if (match !== undefined) return match;
      const unsupported = typeof value === "string"
        ? spec.unsupported?.[spec.anyCase ? value.toUpperCase() : value]
        : undefined;
      return fail(
        unsupported ?? `must be one of ${spec.values.join(", ")}, got ${describe(value)}`,
      );
    }
    case "list": {
      if (!Array.isArray(value)) return fail(`must be a list, got ${describe(value)}`);
      if (value.length < spec.minItems) {
        return fail(`must have at least ${spec.minItems} item(s), got none`);
      }
      return value.map((item, index) => walk(item, spec.items, `${path}[${index}]`, problems));
    }
    case "object":
      return walkObject(value, spec.fields, path, problems, fail);
  }
}

function walkObject(
  value: unknown,
  fields: Readonly<Record<string, Field>>,
  path: string,
  problems: string[],
  fail: (message: string) => undefined,
): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return fail(`must be a mapping, got ${describe(value)}`);
  }
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (Object.hasOwn(fields, key)) continue;
    const suggestion = closestKey(key, Object.keys(fields));
    problems.push(
      `${join(path, key)}: unknown key${
        suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`
      }`,
    );
  }
  for (const [key, field] of Object.entries(fields)) {
    const given = field.zeroIsDefault && isZero(record[key], field.spec) ? undefined : record[key];
    const childPath = join(path, key);
    if (given === undefined || given === null) {
      if (field.required) problems.push(`${childPath}: is required`);
      else if (field.default !== undefined) out[normalizedKey(key, field)] = field.default;
      else if (field.filled) {
        out[normalizedKey(key, field)] = walk({}, field.spec, childPath, problems);
      }
      continue;
    }
    out[normalizedKey(key, field)] = walk(given, field.spec, childPath, problems);
  }
  return out;
}

function checkAcrossFields(config: Config, problems: string[]): void {
  config.frontends.forEach((frontend, f) => {
    problems.push(...protocolProblems(frontend, `frontends[${f}]`));
    frontend.backendPool.tiers.forEach((tier, t) => {
      tier.targets.forEach((target, i) => {
        const path = `frontends[${f}].backendPool.tiers[${t}].targets[${i}]`;
        const hasHosts = target.hosts !== undefined;
        const hasSrv = target.srv !== undefined;
        if (hasHosts === hasSrv) {
          problems.push(`${path}: must have either hosts (with port) or srv`);
        } else if (hasHosts && target.port === undefined) {
          problems.push(`${path}.port: is required with hosts`);
        } else if (hasSrv && target.port !== undefined) {
          problems.push(`${path}.port: not allowed with srv (the SRV records give the port)`);
        }
      });
    });
  });
  const seen = new Map<string, number>();
  config.frontends.forEach((frontend, index) => {
    // Ephemeral-port frontends are told apart by name (it defaults to the address).
    const ephemeral = frontend.bindAddress.endsWith(":0");
    const key = ephemeral
      ? `${frontend.bindAddress}#${frontend.name ?? frontend.bindAddress}`
      : frontend.bindAddress;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push(
        ephemeral
          ? `frontends[${index}].name: frontends[${earlier}] also binds ${frontend.bindAddress}; give each a distinct name`
          : `frontends[${index}].bindAddress: ${frontend.bindAddress} is already used by frontends[${earlier}]`,
      );
    }
    seen.set(key, index);
  });
}

function fillDerived(config: Config): Config {
  const protocolDefaults = {
    postgres: walk({}, POSTGRES_SPEC, "", []) as Postgres,
    redis: walk({}, REDIS_SPEC, "", []) as Redis,
  };
  return {
    ...config,
    diagAllowedHosts: config.diagAllowedHosts ?? [],
    frontends: config.frontends.map((frontend) => ({
      ...frontend,
      name: frontend.name ?? frontend.bindAddress,
      ...protocolBlock(frontend, protocolDefaults),
      backendPool: {
        ...frontend.backendPool,
        failback: {
          ...frontend.backendPool.failback,
          jitterMs: frontend.backendPool.failback.jitterMs ??
            frontend.backendPool.maintenanceTimeMs,
        },
        tiers: frontend.backendPool.tiers.map((tier, index) => ({
          ...tier,
          name: tier.name ?? `tier-${index}`,
          disableFor: {
            refusedMs: tier.disableFor.refusedMs ?? tier.dialFailureTimeoutMs,
            timeoutMs: tier.disableFor.timeoutMs ?? 2 * tier.dialFailureTimeoutMs,
            otherMs: tier.disableFor.otherMs ?? tier.dialFailureTimeoutMs,
            dnsMs: tier.disableFor.dnsMs ?? tier.dialFailureTimeoutMs,
          },
          targets: tier.targets.map((target) => ({
            ...target,
            hosts: target.hosts ?? [],
            port: target.port ?? 0,
            srv: target.srv ?? "",
          })),
        })),
      },
    })),
  };
}

/** Whether `value` is the zero Go Iaido reads as "use the default". */
function isZero(value: unknown, spec: Spec): boolean {
  if (value === 0 || value === "") return true;
  if (spec.kind !== "duration" || typeof value !== "string") return false;
  try {
    return parseDuration(value) === 0;
  } catch {
    return false;
  }
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
