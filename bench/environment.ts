/**
 * What the bench ran on: tool versions, cores, kernel. Missing tools are
 * reported as such rather than failing the run.
 * @module
 */

/** The external programs the bench drives. */
export const TOOLS = ["iperf3", "redis-server", "redis-benchmark", "haproxy"] as const;

/** One external program's name. */
export type ToolName = typeof TOOLS[number];

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
};

/** Each tool's version line, or `undefined` when it is not installed. */
export async function toolVersions(): Promise<Record<ToolName, string | undefined>> {
  const entries = await Promise.all(TOOLS.map(async (tool) => {
    try {
      const output = await new Deno.Command(tool, {
        args: [VERSION_FLAGS[tool]],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(10_000),
      }).output();
      const text = new TextDecoder().decode(output.stdout) +
        new TextDecoder().decode(output.stderr);
      return [tool, firstVersionLine(text)] as const;
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
