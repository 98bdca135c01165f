/**
 * The schema of one tier: its targets, dial and disable times, health
 * checks and failback budget.
 * @module
 */

import { hostProblem } from "./address.ts";
import { srvCheck } from "./schema_checks.ts";
import { MAX_INT32, type Spec } from "./schema_types.ts";

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
    closeSessionsOnFailure: {
      spec: { kind: "bool" },
      doc:
        "When a check takes a backend down, close its sessions (smeared over `maintenanceTime`, like a drain) so their clients reconnect to a healthy one.",
      default: false,
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

export const failback: Spec = {
  kind: "object",
  fields: {
    maxSessions: {
      spec: { kind: "int", min: 0, max: MAX_INT32 },
      doc: "Most sessions moved back per maintenance interval (0 = no count limit).",
      default: 5,
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
    jitter: {
      spec: { kind: "duration", min: 0 },
      doc:
        "Each tick's closes are spread at random over this long, so a fleet's sidecars do not all close at once.",
      derivedDefault: "maintenanceTime",
    },
  },
};

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

export const tier: Spec = {
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
    slowStart: {
      spec: { kind: "duration", min: 0 },
      doc:
        "A backend eligible again takes a share of new connections growing over this long; failback alike (0 = off).",
      default: 0,
    },
    slowStartAggression: {
      spec: { kind: "number", min: 0.1, max: 10 },
      doc:
        "Slow-start ramp shape: share = (elapsed/slowStart)^(1/aggression), at least 10 %; 1 = linear.",
      default: 1,
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
