/**
 * A private network namespace for faults that need the kernel's help: only
 * there may the suite change routing, so a peer can vanish without a FIN or
 * a RST (its packets go nowhere, its keepalive probes go unanswered). The
 * parent runs one scenario again inside `unshare --net --map-root-user`
 * with loopback up; nothing outside the namespace is touched.
 * @module
 */

/** Set in the environment of a suite run inside the private namespace. */
const INSIDE = "IAIDO_CHAOS_NETNS";

/** Whether this process runs inside the suite's private network namespace. */
export function insidePrivateNetns(): boolean {
  return Deno.env.get(INSIDE) === "1";
}

/** What a run of the suite inside a private namespace printed. */
export interface NetnsRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `deno run --allow-all chaos/main.ts …args` in a new user and network
 * namespace whose loopback is up. `TOXIPROXY_URL` is dropped: a server
 * outside cannot be reached from inside.
 */
export async function runChaosInPrivateNetns(
  args: readonly string[],
  signal: AbortSignal,
): Promise<NetnsRun> {
  const main = new URL("./main.ts", import.meta.url).pathname;
  const command = [Deno.execPath(), "run", "--allow-all", main, ...args]
    .map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(" ");
  const env: Record<string, string> = { ...Deno.env.toObject(), [INSIDE]: "1" };
  delete env.TOXIPROXY_URL;
  const { code, stdout, stderr } = await new Deno.Command("unshare", {
    args: ["--net", "--map-root-user", "sh", "-c", `ip link set lo up && exec ${command}`],
    env,
    clearEnv: true,
    signal,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

/**
 * Sets the namespace's TCP keepalive probe interval and count (per network
 * namespace in Linux: the host keeps its own).
 */
export async function setKeepaliveProbes(intervalS: number, count: number): Promise<void> {
  await Deno.writeTextFile("/proc/sys/net/ipv4/tcp_keepalive_intvl", `${intervalS}\n`);
  await Deno.writeTextFile("/proc/sys/net/ipv4/tcp_keepalive_probes", `${count}\n`);
}

async function ip(...args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command("ip", { args, stdout: "null", stderr: "piped" })
    .output();
  if (code !== 0) {
    throw new Error(`ip ${args.join(" ")}: ${new TextDecoder().decode(stderr).trim()}`);
  }
}

/**
 * Makes every packet to the loopback address `address` vanish: a blackhole
 * route consulted before the local table. Returns the undo.
 */
export async function blackholeAddress(address: string): Promise<() => Promise<void>> {
  await ip("rule", "add", "pref", "10", "to", address, "lookup", "100");
  await ip("route", "add", "blackhole", `${address}/32`, "table", "100");
  // The local table answers first by default (pref 0): move it after ours.
  await ip("rule", "add", "pref", "100", "lookup", "local");
  await ip("rule", "del", "pref", "0", "lookup", "local");
  return async () => {
    await ip("rule", "add", "pref", "0", "lookup", "local");
    await ip("rule", "del", "pref", "100", "lookup", "local");
    await ip("route", "del", "blackhole", `${address}/32`, "table", "100");
    await ip("rule", "del", "pref", "10", "to", address, "lookup", "100");
  };
}
