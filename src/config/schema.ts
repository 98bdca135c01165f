/**
 * The config schema: every field with its type, default and meaning. It is
 * the one source for validation, normalization, formatting and the
 * README's reference table.
 * @module
 */

import { hostProblem, parseHostPort } from "./address.ts";

/** A leaf or container in the schema. */
export type Spec =
  | {
    readonly kind: "string";
    /** Rewrites the value before it is checked (e.g. Go's `tcp:` address prefix). */
    readonly normalize?: (value: string) => string;
    readonly check?: (value: string) => string | undefined;
  }
  | { readonly kind: "int"; readonly min: number; readonly max: number }
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

const MAX_INT32 = 2 ** 31 - 1;

function srvCheck(value: string): string | undefined {
  return hostProblem(value) === undefined
    ? undefined
    : `must be a DNS name, got ${JSON.stringify(value)}`;
}

const healthCheck: Spec = {
  kind: "object",
  fields: {
    interval: {
      spec: { kind: "duration", min: 1 },
      doc: "Time between checks of each backend.",
      default: 5000,
    },
    timeout: {
      spec: { kind: "duration", min: 1 },
      doc: "A check that takes longer fails.",
      default: 1000,
    },
    rise: {
      spec: { kind: "int", min: 1, max: 100 },
      doc: "Consecutive successes that bring a down backend up.",
      default: 2,
    },
    fall: {
      spec: { kind: "int", min: 1, max: 100 },
      doc: "Consecutive failures that take an up backend down.",
      default: 3,
    },
    send: {
      spec: { kind: "string" },
      doc: "Bytes to send after connecting (empty = none).",
      default: "",
    },
    expect: {
      spec: { kind: "string" },
      doc: "Bytes the reply must contain to pass (empty = connecting is enough).",
      default: "",
    },
  },
};

const disableFor: Spec = {
  kind: "object",
  fields: {
    refused: {
      spec: { kind: "duration", min: 1 },
      doc: "How long a backend that refused a dial is disabled.",
      derivedDefault: "dialFailureTimeout",
    },
    timeout: {
      spec: { kind: "duration", min: 1 },
      doc: "How long a backend whose dial timed out (blackhole) is disabled.",
      derivedDefault: "2 × dialFailureTimeout",
    },
    other: {
      spec: { kind: "duration", min: 1 },
      doc: "How long a backend is disabled after any other dial failure (unreachable, reset).",
      derivedDefault: "dialFailureTimeout",
    },
    dns: {
      spec: { kind: "duration", min: 1 },
      doc: "How soon a host that has never resolved is tried again.",
      derivedDefault: "dialFailureTimeout",
    },
  },
};

const failback: Spec = {
  kind: "object",
  fields: {
    maxSessions: {
      spec: { kind: "int", min: 0, max: MAX_INT32 },
      doc: "Most sessions moved back per maintenance interval (0 = no count limit).",
      default: 10,
    },
    maxPercent: {
      spec: { kind: "int", min: 0, max: 100 },
      doc:
        "Most sessions moved back per maintenance interval, as a percentage of those on worse tiers (0 = no percentage limit).",
      default: 25,
    },
    idleFor: {
      spec: { kind: "duration", min: 0 },
      doc: "When > 0, move only sessions that have been idle at least this long.",
      default: 0,
    },
  },
};

function addressCheck(value: string): string | undefined {
  const parsed = parseHostPort(value);
  return typeof parsed === "string" ? parsed : undefined;
}

/** Go Iaido accepts `tcp:host:port` (any case) for a bind address. */
function withoutTcpPrefix(value: string): string {
  return /^tcp:/i.test(value) ? value.slice(4) : value;
}

function bindCheck(value: string): string | undefined {
  if (/^udp:/i.test(value)) return "UDP is not supported (Go Iaido cannot serve it either)";
  return addressCheck(value);
}

function optionalAddressCheck(value: string): string | undefined {
  return value === "" ? undefined : addressCheck(value);
}

const target: Spec = {
  kind: "object",
  fields: {
    hosts: {
      spec: { kind: "list", items: { kind: "string", check: hostProblem }, minItems: 1 },
      doc:
        "Host names or IP literals; each expands to every A/AAAA address. Required unless `srv`.",
      derivedDefault: "none (required unless srv)",
    },
    port: {
      spec: { kind: "int", min: 1, max: 65535 },
      doc: "TCP port to dial. Required with `hosts`; not allowed with `srv`.",
      derivedDefault: "none (required with hosts)",
    },
    srv: {
      spec: { kind: "string", check: srvCheck },
      doc:
        "A DNS SRV name (e.g. `_postgresql._tcp.db.svc.cluster.local`) expanding to host+port; instead of `hosts`/`port`.",
      derivedDefault: "none",
    },
    proto: {
      spec: {
        kind: "enum",
        values: ["TCP"],
        anyCase: true,
        unsupported: { UDP: "UDP is not supported (Go Iaido cannot serve it either)" },
      },
      doc: "Transport, any case.",
      default: "TCP",
    },
    disabled: {
      spec: { kind: "bool" },
      doc: "Take no new connections; open ones drain.",
      default: false,
    },
  },
};

const tier: Spec = {
  kind: "object",
  fields: {
    name: {
      spec: { kind: "string" },
      doc: "Label for logs and diagnostics.",
      derivedDefault: "tier-<index>",
    },
    dialFailureTimeout: {
      spec: { kind: "duration", min: 1 },
      doc: "Dial timeout, and how long a backend that failed a dial is disabled.",
      default: 1000,
      zeroIsDefault: true,
    },
    forcePromotionAfter: {
      spec: { kind: "duration", min: 0 },
      doc: "Move sessions off this tier once a better tier has had room this long (0 = off).",
      default: 0,
    },
    maxBackendConnections: {
      spec: { kind: "int", min: 0, max: MAX_INT32 },
      doc: "Most concurrent sessions per backend (0 = no limit); a full tier spills.",
      default: 0,
    },
    healthCheck: {
      spec: healthCheck,
      doc: "Active TCP checks of this tier's backends (absent = passive only).",
      derivedDefault: "none",
    },
    disableFor: {
      spec: disableFor,
      doc: "How long each kind of dial failure disables a backend.",
      filled: true,
    },
    targets: {
      spec: { kind: "list", items: target, minItems: 1 },
      doc: "The targets of this tier.",
      required: true,
    },
  },
};

const backendPool: Spec = {
  kind: "object",
  fields: {
    latencyBucket: {
      spec: { kind: "duration" },
      doc: "Width of a connect-latency sub-tier within a tier (negative = off).",
      default: 10,
      zeroIsDefault: true,
    },
    maintenanceTime: {
      spec: { kind: "duration", min: 1 },
      doc: "How often drains and failback are evaluated.",
      default: 30_000,
      zeroIsDefault: true,
    },
    failback: {
      spec: failback,
      doc: "The disruption budget of forced promotion (failback).",
      filled: true,
    },
    tiers: {
      spec: { kind: "list", items: tier, minItems: 1 },
      doc: "Tiers in preference order; index 0 is the nearest.",
      required: true,
    },
  },
};

const frontend: Spec = {
  kind: "object",
  fields: {
    name: {
      spec: { kind: "string" },
      doc: "Label for logs and diagnostics.",
      derivedDefault: "the bind address",
    },
    bindAddress: {
      spec: { kind: "string", normalize: withoutTcpPrefix, check: bindCheck },
      doc:
        "host:port to listen on (a `tcp:` prefix is allowed, as in Go Iaido); an empty host means every interface.",
      default: ":0",
      zeroIsDefault: true,
    },
    idleDuration: {
      spec: { kind: "duration", min: 1 },
      doc: "Close a session with no bytes either way for this long.",
      default: 3_600_000,
      zeroIsDefault: true,
    },
    rebalanceDuration: {
      spec: { kind: "duration", min: 1 },
      doc: "How often DNS answers and connect latency are refreshed.",
      default: 10_000,
      zeroIsDefault: true,
    },
    queueTimeout: {
      spec: { kind: "duration", min: 0 },
      doc: "How long a new client waits for a backend when all are full or down, then is closed.",
      default: 10_000,
    },
    backendPool: { spec: backendPool, doc: "Where connections go.", required: true },
  },
};

/** The schema of the whole config file. */
export const CONFIG_SCHEMA: Spec = {
  kind: "object",
  fields: {
    diagAddr: {
      spec: { kind: "string", check: optionalAddressCheck },
      doc: "host:port of the diagnostics HTTP server (empty = none).",
      default: "",
    },
    resolver: {
      spec: {
        kind: "object",
        fields: {
          nameServer: {
            spec: { kind: "string", check: optionalAddressCheck },
            doc: "host:port of the DNS server to ask (empty = the system resolver).",
            default: "",
          },
        },
      },
      doc: "How backend host names are resolved.",
      filled: true,
    },
    gracePeriod: {
      spec: { kind: "duration", min: 0 },
      doc: "How long open sessions may finish after SIGTERM before they are closed.",
      default: 5000,
      zeroIsDefault: true,
    },
    frontends: {
      spec: { kind: "list", items: frontend, minItems: 1 },
      doc: "The listeners.",
      required: true,
    },
  },
};

/** The normalized key of a field: durations carry their unit. */
export function normalizedKey(key: string, field: Field): string {
  return field.spec.kind === "duration" ? `${key}Ms` : key;
}
