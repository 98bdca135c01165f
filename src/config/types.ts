/**
 * The configuration as users write it (`*Input`, every default optional) and
 * as the sidecar runs it (`Config`, normalized, durations in milliseconds,
 * frozen).
 * @module
 */

/** A Go-style duration string (`"1h0m0s"`, `"250ms"`) or milliseconds. */
export type Duration = string | number;

/** One logical backend: hosts that share a port, or a DNS SRV name. */
export interface TargetInput {
  /** Host names or IP literals; each expands to all its addresses. Required unless `srv`. */
  readonly hosts?: readonly string[];
  /** The TCP port every host is dialled on. Required with `hosts`. */
  readonly port?: number;
  /** A DNS SRV name whose records give host and port; instead of `hosts`/`port`. */
  readonly srv?: string;
  /** Transport, any case; only TCP is supported. @default "TCP" */
  readonly proto?: "TCP" | "tcp";
  /** Take no new connections (existing ones drain). @default false */
  readonly disabled?: boolean;
}

/** An ordered group of targets, typically a region or zone. */
export interface TierInput {
  /** A label for logs and diagnostics. @default "tier-<index>" */
  readonly name?: string;
  /** Dial timeout, and how long a backend that failed a dial is disabled. @default "1s" */
  readonly dialFailureTimeout?: Duration;
  /** Move sessions off this tier once a better one has had room this long; 0 is off. @default 0 */
  readonly forcePromotionAfter?: Duration;
  /** The most concurrent sessions per backend; 0 is no limit. @default 0 */
  readonly maxBackendConnections?: number;
  /**
   * A backend eligible again takes a share of new connections growing over this long; 0 is off.
   * @default 0
   */
  readonly slowStart?: Duration;
  /** Shape of the slow-start ramp; 1 is linear, above 1 faster early. @default 1 */
  readonly slowStartAggression?: number;
  /** Active TCP checks of this tier's backends. @default none (passive only) */
  readonly healthCheck?: HealthCheckInput;
  /** How long each kind of dial failure disables a backend. */
  readonly disableFor?: DisableForInput;
  /** The targets of this tier. */
  readonly targets: readonly TargetInput[];
}

/** Active health checks: connect, optionally send and expect bytes. */
export interface HealthCheckInput {
  /** @default "5s" */
  readonly interval?: Duration;
  /** @default "1s" */
  readonly timeout?: Duration;
  /** Consecutive successes that bring a down backend up. @default 2 */
  readonly rise?: number;
  /** Consecutive failures that take an up backend down. @default 3 */
  readonly fall?: number;
  /** Bytes sent after connecting. @default "" */
  readonly send?: string;
  /** Bytes the reply must contain. @default "" (connecting is enough) */
  readonly expect?: string;
  /** Close a backend's sessions when a check takes it down (smeared like a drain). @default false */
  readonly closeSessionsOnFailure?: boolean;
}

/** Disable time per dial-failure class. */
export interface DisableForInput {
  /** Connection refused. @default dialFailureTimeout */
  readonly refused?: Duration;
  /** No answer within dialFailureTimeout (blackhole). @default 2 × dialFailureTimeout */
  readonly timeout?: Duration;
  /** Unreachable, reset, anything else. @default dialFailureTimeout */
  readonly other?: Duration;
  /** Retry delay for a host that has never resolved. @default dialFailureTimeout */
  readonly dns?: Duration;
}

/** The disruption budget of failback, per maintenance interval. */
export interface FailbackInput {
  /** Most sessions moved back per interval; 0 is no count limit. @default 5 */
  readonly maxSessions?: number;
  /** Most sessions moved back per interval, in % of those on worse tiers; 0 is no limit. @default 25 */
  readonly maxPercent?: number;
  /** When > 0, only sessions idle at least this long are moved. @default 0 */
  readonly idleFor?: Duration;
  /** Each tick's closes are spread at random over this long. @default maintenanceTime */
  readonly jitter?: Duration;
}

/** The backends of a frontend, arranged in tiers ("fill and spill"). */
export interface BackendPoolInput {
  /** Width of a latency sub-tier within a tier; negative disables. @default "10ms" */
  readonly latencyBucket?: Duration;
  /** How often drains and failback are evaluated. @default "30s" */
  readonly maintenanceTime?: Duration;
  /** The disruption budget of failback. */
  readonly failback?: FailbackInput;
  /** Tiers in preference order: index 0 is the nearest. */
  readonly tiers: readonly TierInput[];
}

/** A local listener and the pool it forwards to. */
export interface FrontendInput {
  /** A label for logs and diagnostics. @default the bind address */
  readonly name?: string;
  /** `host:port` to listen on; an empty host means every interface. @default ":0" */
  readonly bindAddress?: string;
  /** Close a session with no bytes either way for this long. @default "1h" */
  readonly idleDuration?: Duration;
  /** How often DNS and latency are refreshed. @default "10s" */
  readonly rebalanceDuration?: Duration;
  /** How long a new client may wait for a backend when all are full or down. @default "10s" */
  readonly queueTimeout?: Duration;
  /** TCP keepalive idle time on both sockets of a tcp session (whole seconds); 0 is off. @default "15s" */
  readonly keepAlive?: Duration;
  /** Close a tcp session whose other direction has not ended this long after one did; 0 is never. @default "30s" */
  readonly halfCloseTimeout?: Duration;
  /** How much of the protocol the sidecar reads. @default "tcp" */
  readonly protocol?: Protocol;
  /** PostgreSQL options, with `protocol: "postgres"`. */
  readonly postgres?: PostgresInput;
  /** Redis options, with `protocol: "redis"`. */
  readonly redis?: RedisInput;
  /** Where connections go. */
  readonly backendPool: BackendPoolInput;
}

/** What a frontend speaks: bytes, or a protocol whose framing the sidecar reads. */
export type Protocol = "tcp" | "postgres" | "redis";

/** TLS from the sidecar to PostgreSQL backends. */
export interface PostgresTlsInput {
  /** `verify-full` checks chain and host name, `require` the chain only. @default "verify-full" */
  readonly mode?: "verify-full" | "require" | "disable";
  /** PEM files of the CAs to trust, in place of the system roots. @default [] */
  readonly caCerts?: readonly string[];
  /** The name the certificates must carry. @default each target's host */
  readonly serverName?: string;
}

/** PostgreSQL options of a frontend. */
export interface PostgresInput {
  /** `primary`: health checks log in and read-only backends are not eligible. @default "any" */
  readonly role?: "any" | "primary";
  /** @default "postgres" */
  readonly user?: string;
  /** @default the user name */
  readonly database?: string;
  /** The health checks' password; prefer `passwordEnv`. @default "" */
  readonly password?: string;
  /** An environment variable holding the password. @default "" */
  readonly passwordEnv?: string;
  /** TLS to the backends. @default none (plaintext) */
  readonly tls?: PostgresTlsInput;
  /** Terminate the clients' TLS with this certificate. @default none (SSLRequest answered N) */
  readonly clientTls?: { readonly certFile: string; readonly keyFile: string };
}

/** Redis options of a frontend. */
export interface RedisInput {
  /** `primary`: backends whose ROLE is not master are not eligible. @default "any" */
  readonly role?: "any" | "primary";
  /** ACL user for AUTH. @default "" */
  readonly user?: string;
  /** @default "" */
  readonly password?: string;
  /** @default "" */
  readonly passwordEnv?: string;
}

/** The whole sidecar configuration, Iaido's format plus additive fields. */
export interface ConfigInput {
  /** `host:port` of the diagnostics HTTP server; none when empty. @default "" */
  readonly diagAddr?: string;
  /** `host:port` of the probes-only health server; none when empty. @default "" */
  readonly healthAddr?: string;
  /** Host names diagnostics answer to besides IP literals, localhost and the bind host. @default [] */
  readonly diagAllowedHosts?: readonly string[];
  /** How long open sessions may finish after SIGTERM. @default "5s" */
  readonly gracePeriod?: Duration;
  /** How backend names are resolved. */
  readonly resolver?: { readonly nameServer?: string };
  /** The listeners. */
  readonly frontends: readonly FrontendInput[];
}

/** A normalized target: `hosts` and `port`, or `srv` (then hosts is empty, port 0). */
export interface Target {
  readonly hosts: readonly string[];
  readonly port: number;
  readonly srv: string;
  readonly proto: "TCP";
  readonly disabled: boolean;
}

/** Normalized health checks; durations in milliseconds. */
export interface HealthCheck {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly rise: number;
  readonly fall: number;
  readonly send: string;
  readonly expect: string;
  readonly closeSessionsOnFailure: boolean;
}

/** Normalized disable times, in milliseconds. */
export interface DisableFor {
  readonly refusedMs: number;
  readonly timeoutMs: number;
  readonly otherMs: number;
  readonly dnsMs: number;
}

/** Normalized failback budget. */
export interface Failback {
  readonly maxSessions: number;
  readonly maxPercent: number;
  readonly idleForMs: number;
  readonly jitterMs: number;
}

/** A normalized tier; durations in milliseconds. */
export interface Tier {
  readonly name: string;
  readonly dialFailureTimeoutMs: number;
  readonly forcePromotionAfterMs: number;
  readonly maxBackendConnections: number;
  readonly slowStartMs: number;
  readonly slowStartAggression: number;
  readonly healthCheck?: HealthCheck;
  readonly disableFor: DisableFor;
  readonly targets: readonly Target[];
}

/** A normalized backend pool; durations in milliseconds. */
export interface BackendPool {
  readonly latencyBucketMs: number;
  readonly maintenanceTimeMs: number;
  readonly failback: Failback;
  readonly tiers: readonly Tier[];
}

/** A normalized frontend; durations in milliseconds. */
export interface Frontend {
  readonly name: string;
  readonly bindAddress: string;
  readonly idleDurationMs: number;
  readonly rebalanceDurationMs: number;
  readonly queueTimeoutMs: number;
  readonly keepAliveMs: number;
  readonly halfCloseTimeoutMs: number;
  readonly protocol: Protocol;
  /** Present exactly when `protocol` is "postgres". */
  readonly postgres?: Postgres;
  /** Present exactly when `protocol` is "redis". */
  readonly redis?: Redis;
  readonly backendPool: BackendPool;
}

/** Normalized TLS to PostgreSQL backends. */
export interface PostgresTls {
  readonly mode: "verify-full" | "require" | "disable";
  readonly caCerts: readonly string[];
  readonly serverName: string;
}

/** Normalized PostgreSQL options. */
export interface Postgres {
  readonly role: "any" | "primary";
  readonly user: string;
  readonly database: string;
  readonly password: string;
  readonly passwordEnv: string;
  readonly tls?: PostgresTls;
  readonly clientTls?: { readonly certFile: string; readonly keyFile: string };
}

/** Normalized Redis options. */
export interface Redis {
  readonly role: "any" | "primary";
  readonly user: string;
  readonly password: string;
  readonly passwordEnv: string;
}

/** The validated, normalized, frozen configuration the sidecar runs. */
export interface Config {
  readonly diagAddr: string;
  readonly healthAddr: string;
  readonly diagAllowedHosts: readonly string[];
  readonly gracePeriodMs: number;
  readonly resolver: { readonly nameServer: string };
  readonly frontends: readonly Frontend[];
}
