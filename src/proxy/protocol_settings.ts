/**
 * What a protocol frontend needs beyond its config, read once per config:
 * the CA files for TLS to the backends, and the health checks' password
 * (from the config or an environment variable). A problem is kept as a
 * message that probes and sessions report, never a crash.
 * @module
 */

import type { Frontend } from "../config/mod.ts";
import type { BackendSpec } from "../pool/mod.ts";
import type { BackendTls } from "../protocol/mod.ts";
import type { TlsIdentity } from "./stream_tls.ts";

/** A frontend's protocol settings, ready to use. */
export interface ProtocolSettings {
  readonly protocol: "postgres" | "redis";
  /** TLS for a backend, or undefined for plaintext. */
  tlsFor(backend: BackendSpec): BackendTls | undefined;
  /** Why TLS cannot be set up (a CA file unreadable), when it cannot. */
  readonly tlsProblem?: string;
  /** The certificate that terminates clients' TLS, when configured and readable. */
  readonly clientTls?: TlsIdentity;
  /** Why the client TLS certificate cannot be used, when it cannot. */
  readonly clientTlsProblem?: string;
  /** The health checks' password, or a problem reading it. */
  password(): { readonly value?: string; readonly problem?: string };
}

/** Reads what `config` refers to; undefined for a tcp frontend. */
export async function loadProtocolSettings(
  config: Frontend,
): Promise<ProtocolSettings | undefined> {
  const options = config.postgres ?? config.redis;
  if (options === undefined || config.protocol === "tcp") return undefined;
  const tls = config.postgres?.tls;
  const caCerts: string[] = [];
  let tlsProblem: string | undefined;
  if (tls !== undefined && tls.mode !== "disable") {
    for (const file of tls.caCerts) {
      try {
        caCerts.push(await Deno.readTextFile(file));
      } catch (error) {
        tlsProblem = `cannot read the CA file ${file}: ${describeError(error, "read", file)}`;
      }
    }
  }
  let clientTls: TlsIdentity | undefined;
  let clientTlsProblem: string | undefined;
  const identity = config.postgres?.clientTls;
  if (identity !== undefined) {
    try {
      clientTls = {
        cert: await Deno.readTextFile(identity.certFile),
        key: await Deno.readTextFile(identity.keyFile),
      };
    } catch (error) {
      clientTlsProblem = `cannot read the client TLS certificate or key: ${
        describeError(error, "read", `${identity.certFile},${identity.keyFile}`)
      }`;
    }
  }
  const password = () => {
    if (options.passwordEnv === "") {
      return options.password === "" ? {} : { value: options.password };
    }
    try {
      const value = Deno.env.get(options.passwordEnv);
      return value === undefined
        ? { problem: `the environment variable ${options.passwordEnv} is not set` }
        : { value };
    } catch (error) {
      return {
        problem: `cannot read ${options.passwordEnv}: ${
          describeError(error, "env", options.passwordEnv)
        }`,
      };
    }
  };
  return {
    protocol: config.protocol,
    tlsFor(backend) {
      if (tls === undefined || tls.mode === "disable") return undefined;
      return {
        mode: tls.mode,
        caCerts,
        serverName: tls.serverName !== "" ? tls.serverName : backend.hostName ?? backend.hostname,
      };
    },
    ...(tlsProblem === undefined ? {} : { tlsProblem }),
    ...(clientTls === undefined ? {} : { clientTls }),
    ...(clientTlsProblem === undefined ? {} : { clientTlsProblem }),
    password,
  };
}

function describeError(error: unknown, permission: "read" | "env", name: string): string {
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return `permission denied (run with --allow-${permission}=${name})`;
  }
  return (error as Error).message;
}
