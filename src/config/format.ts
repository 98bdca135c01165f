/**
 * Writes a normalized config back in Iaido's format, defaults filled in and
 * durations as Go strings, so `--check` shows exactly what will run.
 * @module
 */

import { stringify } from "npm:yaml@2.9.1";
import { formatDuration } from "./duration.ts";
import { CONFIG_SCHEMA, normalizedKey, type Spec } from "./schema.ts";
import type { Config } from "./types.ts";

/** The config as a plain object in input form (Go duration strings). */
export function toInputForm(config: Config): unknown {
  return unwalk(config, CONFIG_SCHEMA);
}

/** The config as Iaido-format YAML. */
export function formatConfig(config: Config): string {
  return stringify(toInputForm(config), { lineWidth: 0 });
}

function unwalk(value: unknown, spec: Spec): unknown {
  switch (spec.kind) {
    case "duration":
      return formatDuration(value as number);
    case "list":
      return (value as unknown[]).map((item) => unwalk(item, spec.items));
    case "object": {
      const record = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(spec.fields)) {
        const child = record[normalizedKey(key, field)];
        if (child === undefined || (field.default === undefined && isEmpty(child))) continue;
        out[key] = field.secret && child !== "" ? "<redacted>" : unwalk(child, field.spec);
      }
      return out;
    }
    default:
      return value;
  }
}

// Optional fields without a default normalize to an empty value ("", 0, [])
// when absent (e.g. `port` of an SRV target); they are left out again.
function isEmpty(value: unknown): boolean {
  return value === "" || value === 0 || (Array.isArray(value) && value.length === 0);
}
