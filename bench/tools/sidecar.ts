/**
 * The sidecar under test, run as users run it: the real CLI as a
 * subprocess with only `--allow-net` and read access to its config.
 * Config text and the `listening on` lines are handled by pure functions.
 * @module
 */

import { RECOMMENDED_V8_FLAGS } from "../../src/runtime/mod.ts";
import type { Child, Children } from "../process.ts";
import type { ProxiedBackend, RunningProxy } from "./haproxy.ts";
import { cliRunArgs, MAIN_TS } from "../../src/testing/mod.ts";

/** The CLI entry point of the project. */
export const SIDECAR_MAIN = MAIN_TS;

/** The floors of `--reference`: minimal proxies that take the sidecar's command line. */
export const REFERENCE_MAINS = {
  floor: new URL("../reference/deno_conn_proxy.ts", import.meta.url).pathname,
  "node-floor": new URL("../reference/node_net_proxy.ts", import.meta.url).pathname,
  "handle-floor": new URL("../reference/handle_proxy.ts", import.meta.url).pathname,
} as const;

/** One frontend per backend, each on `127.0.0.1:0`, in the order given. */
export function sidecarConfig(backends: readonly ProxiedBackend[]): string {
  return JSON.stringify(
    {
      frontends: backends.map((backend) => ({
        name: backend.name,
        bindAddress: "127.0.0.1:0",
        ...(backend.protocol === undefined ? {} : { protocol: backend.protocol }),
        backendPool: {
          tiers: [{
            name: "local",
            targets: [{ hosts: ["127.0.0.1"], port: backend.backendPort }],
          }],
        },
      })),
    },
    null,
    2,
  );
}

/** The addresses of the `listening on ADDR` lines, in order. */
export function parseListeningLines(stdout: string): string[] {
  return [...stdout.matchAll(/^listening on (\S+)$/gm)].map((match) => match[1] as string);
}

/** The port of `host:port` (IPv6 bracketed or not). */
export function portOf(address: string): number {
  const port = Number(address.slice(address.lastIndexOf(":") + 1));
  if (!Number.isInteger(port) || port <= 0) throw new TypeError(`no port in ${address}`);
  return port;
}

/** How to run the sidecar: its log level, and for variants another entry point or Deno flags. */
export interface SidecarRunOptions {
  readonly logLevel: string;
  /** @default SIDECAR_MAIN */
  readonly main?: string | undefined;
  /** Extra `deno run` flags. @default [] */
  readonly denoFlags?: readonly string[];
  /** The child's name in the bench's messages. @default "sidecar" */
  readonly name?: string;
}

/**
 * The CLI arguments of `deno` to run the sidecar on `configFile`: the
 * README's command (least privilege plus the recommended V8 flags).
 */
export function sidecarArgs(configFile: string, options: SidecarRunOptions): string[] {
  const { logLevel, main = SIDECAR_MAIN, denoFlags = [] } = options;
  return cliRunArgs(["-c", configFile, "--log-level", logLevel], {
    permissions: [RECOMMENDED_V8_FLAGS, ...denoFlags, "--allow-net", `--allow-read=${configFile}`],
    script: main,
  });
}

/** Starts the sidecar and waits for one `listening on` line per backend. */
export async function startSidecar(
  children: Children,
  dir: string,
  backends: readonly ProxiedBackend[],
  options: SidecarRunOptions,
): Promise<RunningProxy> {
  const file = `${dir}/sidecar-${crypto.randomUUID().slice(0, 8)}.json`;
  await Deno.writeTextFile(file, sidecarConfig(backends));
  const child = children.spawn(
    options.name ?? "sidecar",
    Deno.execPath(),
    sidecarArgs(file, options),
  );
  return await listeningProxy(child, backends);
}

/**
 * `child` once it printed one `listening on` line per backend, in order (as
 * the sidecar and the floors do), with each backend's port; stops it when it
 * exits first or says nothing for 30 s.
 */
export async function listeningProxy(
  child: Child,
  backends: readonly ProxiedBackend[],
): Promise<RunningProxy> {
  try {
    await child.waitForOutput(/^listening on \S+$/, backends.length, 30_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  const addresses = parseListeningLines(child.output.stdout);
  const ports = new Map(
    backends.map((backend, index) => [backend.name, portOf(addresses[index] as string)]),
  );
  return { child, ports };
}
