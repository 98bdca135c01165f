/**
 * `/configz`: the effective config in input form, and which of its values
 * are defaults (the user's input did not set them).
 * @module
 */

import { Document, isScalar } from "npm:yaml@2.9.1";
import { CONFIG_SCHEMA, type Spec } from "../config/mod.ts";

/** Paths (`frontends[0].idleDuration`) whose values come from defaults. */
export function defaultedPaths(input: unknown, spec: Spec = CONFIG_SCHEMA, path = ""): string[] {
  if (spec.kind === "list") {
    if (!Array.isArray(input)) return [];
    return input.flatMap((item, index) => defaultedPaths(item, spec.items, `${path}[${index}]`));
  }
  if (spec.kind !== "object" || input === null || typeof input !== "object") return [];
  const record = input as Record<string, unknown>;
  const paths: string[] = [];
  for (const [key, field] of Object.entries(spec.fields)) {
    const childPath = path === "" ? key : `${path}.${key}`;
    const given = record[key];
    if (given === undefined || given === null) {
      if (field.spec.kind === "object" && field.filled) {
        paths.push(...defaultedPaths({}, field.spec, childPath));
      } else if (!field.required) paths.push(childPath);
    } else paths.push(...defaultedPaths(given, field.spec, childPath));
  }
  return paths;
}

/** The config as YAML, each defaulted value marked `# default`. */
export function configYaml(config: unknown, defaults: readonly string[]): string {
  const document = new Document(config);
  for (const path of defaults) {
    const node = document.getIn(toKeys(path), true);
    if (isScalar(node)) node.comment = " default";
  }
  return document.toString({ lineWidth: 0 });
}

function toKeys(path: string): (string | number)[] {
  return path.split(/\.|\[|\]/).filter((part) => part !== "").map((part) =>
    /^\d+$/.test(part) ? Number(part) : part
  );
}
