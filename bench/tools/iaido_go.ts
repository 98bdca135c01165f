/**
 * The original Go Iaido as a peer proxy, found through `sharedTool`. Its
 * YAML config is pure; `startIaidoGo` runs it and waits for its listeners.
 * It copies with splice(2) and sets a 15 s TCP keepalive on both sides.
 * @module
 */

import { type Children, freePort } from "../process.ts";
import type { ProxiedBackend, RunningProxy } from "./haproxy.ts";

/**
 * A Go Iaido config with one frontend per backend on `listenPorts[i]` of
 * 127.0.0.1, one local target each, the diagnostics server on a free port
 * and a short drain so stopping it takes no longer than stopping the others.
 */
export function iaidoGoConfig(
  backends: readonly ProxiedBackend[],
  listenPorts: readonly number[],
): string {
  const lines = ["diagAddr: 127.0.0.1:0", "gracePeriod: 100ms", "frontends:"];
  backends.forEach((backend, index) => {
    lines.push(
      `  - bindAddress: 127.0.0.1:${listenPorts[index]}`,
      "    backendPool:",
      "      tiers:",
      "        - targets:",
      "            - hosts: [127.0.0.1]",
      `              port: ${backend.backendPort}`,
    );
  });
  return `${lines.join("\n")}\n`;
}

/** The ports of the `listening on HOST:PORT` lines Go Iaido logs. */
export function parseIaidoGoListening(stderr: string): number[] {
  return [...stderr.matchAll(/listening on \S+:(\d+)$/gm)].map((match) => Number(match[1]));
}

/**
 * Starts `binary` (the Go Iaido) on a config in `dir`; resolves once every
 * frontend logged that it listens.
 */
export async function startIaidoGo(
  children: Children,
  binary: string,
  dir: string,
  backends: readonly ProxiedBackend[],
): Promise<RunningProxy> {
  const ports = backends.map(() => freePort());
  const file = `${dir}/iaido-go-${ports.join("-")}.yaml`;
  await Deno.writeTextFile(file, iaidoGoConfig(backends, ports));
  const child = children.spawn("iaido-go", binary, ["-c", file]);
  try {
    await child.waitForOutput(/listening on \S+$/, backends.length, 15_000, "stderr");
    const listening = parseIaidoGoListening(child.output.stderr);
    const unbound = ports.filter((port) => !listening.includes(port));
    if (unbound.length > 0) throw new Error(`iaido-go did not listen on ${unbound.join(", ")}`);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return {
    child,
    ports: new Map(backends.map((backend, index) => [backend.name, ports[index] as number])),
  };
}
