/**
 * The config schema: every field with its type, default and meaning. It is
 * the one source for validation, normalization, formatting and the
 * README's reference table. Split by level: the shape in schema_types.ts,
 * a tier in schema_tier.ts, frontends and the top level here.
 * @module
 */

import { hostProblem } from "./address.ts";
import { bindCheck, optionalAddressCheck, withoutTcpPrefix } from "./schema_checks.ts";
import { PROTOCOL_FIELDS } from "./schema_protocol.ts";
import { failback, tier } from "./schema_tier.ts";
import type { Spec } from "./schema_types.ts";

export { type Field, MAX_DURATION_MS, normalizedKey, type Spec } from "./schema_types.ts";

/** The longest TCP keepalive idle time Linux takes (`TCP_KEEPIDLE` ≤ 32767 s). */
const MAX_KEEPALIVE_MS = 32_767_000;

const backendPool: Spec = {
  kind: "object",
  fields: {
    latencyBucket: {
      spec: { kind: "duration" },
      doc:
        "Width of a connect-latency sub-tier within a tier (negative = off). A backend's latency is the least of its last 3 probe samples, so one late sample moves nothing.",
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
    ...PROTOCOL_FIELDS,
    keepAlive: {
      spec: { kind: "duration", min: 0, max: MAX_KEEPALIVE_MS },
      doc:
        "TCP keepalive idle time on both sockets of every session (every protocol), so a dead peer ends its session (whole seconds, rounded up; 0 = off; probe interval and count are the host's `net.ipv4.tcp_keepalive_intvl`/`_probes`).",
      default: 15_000,
    },
    halfCloseTimeout: {
      spec: { kind: "duration", min: 0 },
      doc:
        "Once one direction of a session (every protocol) has ended (FIN), close the session when the other has not ended within this long (0 = never).",
      default: 30_000,
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
    healthAddr: {
      spec: { kind: "string", check: optionalAddressCheck },
      doc:
        "host:port of a probes-only HTTP server (/healthz, /readyz), safe on the pod IP (empty = none).",
      default: "",
    },
    diagAllowedHosts: {
      spec: { kind: "list", items: { kind: "string", check: hostProblem }, minItems: 0 },
      doc:
        "Host names diagnostics answer to besides IP literals, localhost and the bind host (others: 403).",
      derivedDefault: "none",
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
