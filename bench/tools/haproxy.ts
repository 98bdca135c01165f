/**
 * HAProxy as the reference proxy: single-threaded, `mode tcp`, no splice.
 * The config text is pure; `startHaproxy` runs it in the foreground.
 * @module
 */

import { type Child, type Children, freePort, waitForPort } from "../process.ts";

/** One proxied service: a name and its backend's port on 127.0.0.1. */
export interface ProxiedBackend {
  readonly name: string;
  readonly backendPort: number;
  /** The sidecar frontend's `protocol` (HAProxy ignores it). @default "tcp" */
  readonly protocol?: "tcp" | "postgres" | "redis";
}

/** A proxy process and the port on 127.0.0.1 each backend is reached through. */
export interface RunningProxy {
  readonly child: Child;
  readonly ports: ReadonlyMap<string, number>;
}

/** Most connections HAProxy takes; its fd limit is about twice this. */
export const HAPROXY_MAXCONN = 5000;

/**
 * A config with one `listen` section per backend, binding `listenPorts[i]`.
 * `nbthread 1` and `nosplice` make it the single-threaded, copy-through-user-space
 * proxy the floors are measured against. No `log` lines: HAProxy logs nothing.
 */
export function haproxyConfig(
  backends: readonly ProxiedBackend[],
  listenPorts: readonly number[],
): string {
  const lines = [
    "global",
    "  nbthread 1",
    "  nosplice",
    `  maxconn ${HAPROXY_MAXCONN}`,
    "defaults",
    "  mode tcp",
    `  maxconn ${HAPROXY_MAXCONN}`,
    "  timeout connect 5s",
    "  timeout client 1h",
    "  timeout server 1h",
  ];
  backends.forEach((backend, index) => {
    lines.push(
      `listen ${backend.name}`,
      `  bind 127.0.0.1:${listenPorts[index]}`,
      `  server ${backend.name} 127.0.0.1:${backend.backendPort}`,
    );
  });
  return `${lines.join("\n")}\n`;
}

/**
 * Starts HAProxy in the foreground (`-db`) with a config in `dir`; resolves
 * once the port of `probe` (a backend that tolerates an empty connection)
 * accepts connections.
 */
export async function startHaproxy(
  children: Children,
  dir: string,
  backends: readonly ProxiedBackend[],
  probe: string,
): Promise<RunningProxy> {
  const ports = backends.map(() => freePort());
  const file = `${dir}/haproxy-${ports.join("-")}.cfg`;
  await Deno.writeTextFile(file, haproxyConfig(backends, ports));
  const child = children.spawn("haproxy", "haproxy", ["-db", "-f", file]);
  const byName = new Map(backends.map((backend, index) => [backend.name, ports[index] as number]));
  const probePort = byName.get(probe);
  if (probePort === undefined) throw new RangeError(`no backend named ${probe}`);
  try {
    await Promise.race([
      waitForPort(probePort, 10_000),
      child.exited.then((code) => {
        throw new Error(`haproxy exited with ${code}: ${child.output.stderr.slice(-1000)}`);
      }),
    ]);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { child, ports: byName };
}
