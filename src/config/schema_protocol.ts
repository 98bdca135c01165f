/**
 * The protocol options of a frontend (`protocol`, `postgres`, `redis`):
 * their schema, the checks across them, and the defaults a `postgres` or
 * `redis` frontend gets when it names no options.
 * @module
 */

import type { Field, Spec } from "./schema_types.ts";
import type { Frontend, Postgres, Redis } from "./types.ts";

function envNameCheck(value: string): string | undefined {
  return value === "" || /^[A-Za-z_][A-Za-z0-9_]*$/.test(value)
    ? undefined
    : `must be an environment variable name, got ${JSON.stringify(value)}`;
}

const password: Field = {
  spec: { kind: "string" },
  doc: "The health checks' password (prefer `passwordEnv`; empty = none).",
  default: "",
  secret: true,
};

const passwordEnv: Field = {
  spec: { kind: "string", check: envNameCheck },
  doc: "An environment variable holding that password (needs `--allow-env=<name>`).",
  default: "",
};

const postgresTls: Spec = {
  kind: "object",
  fields: {
    mode: {
      spec: { kind: "enum", values: ["verify-full", "require", "disable"] },
      doc:
        "TLS to the backends: `verify-full` checks the chain and the host name, `require` the chain only, `disable` is plaintext.",
      default: "verify-full",
    },
    caCerts: {
      spec: { kind: "list", items: { kind: "string" }, minItems: 0 },
      doc:
        "PEM files of the CAs to trust, in place of the system roots (needs `--allow-read` of each).",
      derivedDefault: "none (the system roots)",
    },
    serverName: {
      spec: { kind: "string" },
      doc: "The name the backends' certificates must carry (empty = each target's host).",
      default: "",
    },
  },
};

const clientTls: Spec = {
  kind: "object",
  fields: {
    certFile: {
      spec: { kind: "string" },
      doc: "PEM certificate chain the sidecar presents (needs `--allow-read` of the file).",
      required: true,
    },
    keyFile: {
      spec: { kind: "string" },
      doc: "PEM private key of that certificate (needs `--allow-read` of the file).",
      required: true,
    },
  },
};

/** The `postgres` options of a frontend. */
export const POSTGRES_SPEC: Spec = {
  kind: "object",
  fields: {
    role: {
      spec: { kind: "enum", values: ["any", "primary"] },
      doc:
        "`primary`: health checks log in and a backend in read-only mode (a standby) is not eligible.",
      default: "any",
    },
    user: {
      spec: { kind: "string" },
      doc: "The user health checks connect as.",
      default: "postgres",
    },
    database: {
      spec: { kind: "string" },
      doc: "The database health checks connect to (empty = the user name).",
      default: "",
    },
    password,
    passwordEnv,
    tls: {
      spec: postgresTls,
      doc: "TLS from the sidecar to the backends (absent = plaintext).",
      derivedDefault: "none (plaintext)",
    },
    clientTls: {
      spec: clientTls,
      doc:
        "Terminate the clients' TLS with this certificate (absent = a client's SSLRequest is answered N).",
      derivedDefault: "none (answer N)",
    },
  },
};

/** The `redis` options of a frontend. */
export const REDIS_SPEC: Spec = {
  kind: "object",
  fields: {
    role: {
      spec: { kind: "enum", values: ["any", "primary"] },
      doc: "`primary`: a backend whose ROLE is not `master` is not eligible.",
      default: "any",
    },
    user: {
      spec: { kind: "string" },
      doc: "The ACL user health checks AUTH as (empty = the default user).",
      default: "",
    },
    password,
    passwordEnv,
  },
};

/** The frontend fields, in schema order. */
export const PROTOCOL_FIELDS: Readonly<Record<string, Field>> = {
  protocol: {
    spec: { kind: "enum", values: ["tcp", "postgres", "redis"] },
    doc:
      "`tcp` copies bytes untouched; `postgres` and `redis` read the framing to check health as the server means it and to move sessions only between transactions or commands.",
    default: "tcp",
  },
  postgres: {
    spec: POSTGRES_SPEC,
    doc: "PostgreSQL options (with `protocol: postgres`).",
    derivedDefault: "defaults, with protocol postgres",
  },
  redis: {
    spec: REDIS_SPEC,
    doc: "Redis options (with `protocol: redis`).",
    derivedDefault: "defaults, with protocol redis",
  },
};

/** Problems across the protocol fields of a normalized frontend. */
export function protocolProblems(frontend: Frontend, path: string): string[] {
  const problems: string[] = [];
  for (const block of ["postgres", "redis"] as const) {
    if (frontend[block] !== undefined && frontend.protocol !== block) {
      problems.push(
        `${path}.${block}: only with protocol: ${block} (protocol is ${frontend.protocol})`,
      );
    }
  }
  const role = (frontend.postgres ?? frontend.redis)?.role;
  frontend.backendPool.tiers.forEach((tier, index) => {
    if (role === "primary" && tier.healthCheck === undefined) {
      problems.push(
        `${path}.backendPool.tiers[${index}].healthCheck: is required with role: primary (the checks find the primary)`,
      );
    }
  });
  const options = frontend.postgres ?? frontend.redis;
  if (options !== undefined && options.password !== "" && options.passwordEnv !== "") {
    problems.push(`${path}.${frontend.protocol}: password and passwordEnv are exclusive; keep one`);
  }
  return problems;
}

/** The frontend's protocol block, defaults filled in, or nothing for tcp. */
export function protocolBlock(
  frontend: Frontend,
  defaults: { readonly postgres: Postgres; readonly redis: Redis },
): { postgres: Postgres } | { redis: Redis } | Record<never, never> {
  if (frontend.protocol === "postgres") {
    const postgres = frontend.postgres ?? defaults.postgres;
    if (postgres.tls === undefined) return { postgres };
    return {
      postgres: { ...postgres, tls: { ...postgres.tls, caCerts: postgres.tls.caCerts ?? [] } },
    };
  }
  if (frontend.protocol === "redis") return { redis: frontend.redis ?? defaults.redis };
  return {};
}
