/**
 * Running PostgreSQL's tools for the test clusters: as the `postgres` user
 * when the tests run as root (the server refuses to run as root), with the
 * files handed over to that user.
 * @module
 */

/** Whether this process is root. */
export function runsAsRoot(): boolean {
  return Deno.uid() === 0;
}

/** As root, gives a path to the postgres user (the server must own its files). */
export async function handOver(path: string, recursive = false): Promise<void> {
  if (!runsAsRoot()) return;
  await run("chown", [...(recursive ? ["-R"] : []), "postgres:postgres", path], {
    asPostgres: false,
  });
}

export async function pgIsReady(bin: string, port: number): Promise<boolean> {
  const { code } = await new Deno.Command(`${bin}/pg_isready`, {
    args: ["-h", "127.0.0.1", "-p", String(port), "-t", "2"],
    stdout: "null",
    stderr: "null",
  }).output();
  return code === 0;
}

/**
 * Runs a program (as the postgres user when root, unless told otherwise);
 * returns its stdout, or throws with its stderr.
 */
export async function run(
  program: string,
  args: readonly string[],
  { env = {}, asPostgres = true }: { env?: Record<string, string>; asPostgres?: boolean } = {},
): Promise<string> {
  const command = asPostgres && runsAsRoot()
    ? new Deno.Command("runuser", {
      args: [
        "-u",
        "postgres",
        "--",
        "env",
        ...Object.entries(env).map(([key, value]) => `${key}=${value}`),
        program,
        ...args,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    })
    : new Deno.Command(program, {
      args: [...args],
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
  const { code, stdout, stderr } = await command.output();
  if (code !== 0) {
    const error = new TextDecoder().decode(stderr).trim();
    throw new Error(`${program.split("/").pop()} ${args.join(" ")} exited ${code}: ${error}`);
  }
  return new TextDecoder().decode(stdout).trim();
}
