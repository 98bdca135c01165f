/**
 * The shape of the config schema: what a field may be (string, int,
 * number, duration, enum, list, object) and what it carries (default, meaning,
 * Go Iaido's zero-is-default rule), and the duration ceiling.
 * @module
 */

/** A leaf or container in the schema. */
export type Spec =
  | {
    readonly kind: "string";
    /** Rewrites the value before it is checked (e.g. Go's `tcp:` address prefix). */
    readonly normalize?: (value: string) => string;
    readonly check?: (value: string) => string | undefined;
  }
  | { readonly kind: "int"; readonly min: number; readonly max: number }
  | { readonly kind: "number"; readonly min: number; readonly max: number }
  | {
    readonly kind: "duration";
    readonly min?: number;
    /** In milliseconds. @default MAX_DURATION_MS */
    readonly max?: number;
  }
  | { readonly kind: "bool" }
  | {
    readonly kind: "enum";
    readonly values: readonly string[];
    /** Matched without regard to case, normalized to the listed spelling (Go upper-cases). */
    readonly anyCase?: boolean;
    /** Values Go Iaido names but this sidecar cannot serve, with the reason. */
    readonly unsupported?: Readonly<Record<string, string>>;
  }
  | { readonly kind: "list"; readonly items: Spec; readonly minItems: number }
  | { readonly kind: "object"; readonly fields: Readonly<Record<string, Field>> };

/** A named field of an object spec. */
export interface Field {
  readonly spec: Spec;
  /** What the field means, for docs and `--help`. */
  readonly doc: string;
  /** Required fields have no default. */
  readonly required?: boolean;
  /**
   * The value when absent: a duration in milliseconds, or a plain value.
   * Fields with neither `required` nor `default` get a derived default
   * (see `derivedDefault`).
   */
  readonly default?: string | number | boolean;
  /** Words for a default computed from context, e.g. "tier-<index>". */
  readonly derivedDefault?: string;
  /** An object field that, when absent, is filled with its fields' defaults. */
  readonly filled?: boolean;
  /** A secret: written back as "<redacted>" (`--check`, /configz). */
  readonly secret?: boolean;
  /**
   * An explicit zero (`0`, `0s`, `""`) means the default, as Go Iaido reads
   * its zero values; set on every field Go Iaido has a non-zero default for.
   */
  readonly zeroIsDefault?: boolean;
}

/**
 * The longest duration any field takes: 24 days, below the 2^31−1 ms that
 * timers can hold (longer ones would fire at once), so no config can make a
 * timer overflow.
 */
export const MAX_DURATION_MS = 24 * 24 * 3_600_000;

export const MAX_INT32 = 2 ** 31 - 1;

/** The normalized key of a field: durations carry their unit. */
export function normalizedKey(key: string, field: Field): string {
  return field.spec.kind === "duration" ? `${key}Ms` : key;
}
