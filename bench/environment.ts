/**
 * What the bench ran on: tool versions, cores, kernel. Missing tools are
 * reported as such rather than failing the run.
 * @module
 */

import { sharedTool } from "../src/testing/mod.ts";
import { postgresBinDir } from "./tools/postgres.ts";

/** The external programs the bench drives. */
export const TOOLS = [
  "iperf3",
  "redis-server",
  "redis-benchmark",
  "haproxy",
  "iaido-go",
  "postgres",
  "pgbench",
] as const;

/** One external program's name. */
export type ToolName = typeof TOOLS[number];

/**
 * The command that runs each tool: its name on the PATH, PostgreSQL's from
 * Debian's versioned folder, the Go Iaido from the shared tools beside the
 * repository; undefined when it cannot be there at all.
 */
export function toolCommands(): Record<ToolName, string | undefined> {
  const postgres = postgresBinDir();
  return {
    "iperf3": "iperf3",
    "redis-server": "redis-server",
    "redis-benchmark": "redis-benchmark",
    "haproxy": "haproxy",
    "iaido-go": sharedTool("iaido-go"),
    "postgres": postgres === undefined ? undefined : `${postgres}/postgres`,
    "pgbench": postgres === undefined ? undefined : `${postgres}/pgbench`,
  };
}

/** The first line of `--version`-like output that names a version, for the record. */
export function firstVersionLine(text: string): string {
  const line = text.split("\n").find((candidate) => /\d+\.\d+/.test(candidate));
  return (line ?? text.split("\n")[0] ?? "").trim();
}

const VERSION_FLAGS: Record<ToolName, string> = {
  "iperf3": "--version",
  "redis-server": "--version",
  "redis-benchmark": "--version",
  "haproxy": "-v",
  "iaido-go": "--version",
  "postgres": "--version",
  "pgbench": "--version",
};

/** Each tool's version line, or `undefined` when it is not installed. */
export async function toolVersions(
  commands: Record<ToolName, string | undefined>,
): Promise<Record<ToolName, string | undefined>> {
  const entries = await Promise.all(TOOLS.map(async (tool) => {
    const command = commands[tool];
    if (command === undefined) return [tool, undefined] as const;
    try {
      const output = await new Deno.Command(command, {
        args: [VERSION_FLAGS[tool]],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(10_000),
      }).output();
      const text = new TextDecoder().decode(output.stdout) +
        new TextDecoder().decode(output.stderr);
      const line = firstVersionLine(text);
      return [tool, tool === "iaido-go" ? `iaido-go ${line}` : line] as const;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [tool, undefined] as const;
      throw error;
    }
  }));
  return Object.fromEntries(entries) as Record<ToolName, string | undefined>;
}

/** The machine, for `out/bench.json`. */
export function machine(): { deno: string; kernel: string; cores: number } {
  return {
    deno: Deno.version.deno,
    kernel: Deno.osRelease(),
    cores: navigator.hardwareConcurrency,
  };
}
