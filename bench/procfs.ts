/**
 * Reading a process's memory and CPU time from `/proc`: pure parsers, and
 * thin readers around them.
 * @module
 */

/** Clock ticks per second of `/proc/<pid>/stat` times (`getconf CLK_TCK`; 100 on Linux). */
export const CLOCK_TICKS_PER_SECOND = 100;

/**
 * The resident set size in KiB from the text of `/proc/<pid>/status`.
 *
 * @throws {TypeError} when the text has no `VmRSS` line
 */
export function parseVmRssKib(status: string): number {
  const match = status.match(/^VmRSS:\s+(\d+)\s+kB$/m);
  if (match === null) throw new TypeError("/proc status has no VmRSS line");
  return Number(match[1]);
}

/**
 * User plus system CPU time in clock ticks from the text of `/proc/<pid>/stat`;
 * with `withReapedChildren`, plus that of the children it has waited for.
 * The command name may hold spaces and parentheses, so fields are counted
 * from the last `)`.
 *
 * @throws {TypeError} when the text is not a stat line
 */
export function parseCpuTicks(stat: string, withReapedChildren = false): number {
  const close = stat.lastIndexOf(")");
  if (close < 0) throw new TypeError(`not a /proc stat line: ${stat.slice(0, 60)}`);
  // After ")": state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17), 1-based as in proc(5).
  const fields = stat.slice(close + 1).trim().split(/\s+/);
  const wanted = withReapedChildren ? [14, 15, 16, 17] : [14, 15];
  const ticks = wanted.map((field) => Number(fields[field - 3]));
  if (ticks.some((tick) => !Number.isFinite(tick))) {
    throw new TypeError(`not a /proc stat line: ${stat.slice(0, 60)}`);
  }
  return ticks.reduce((sum, tick) => sum + tick, 0);
}

/** Current VmRSS of `pid`, KiB. */
export async function readVmRssKib(pid: number): Promise<number> {
  return parseVmRssKib(await Deno.readTextFile(`/proc/${pid}/status`));
}

/** CPU seconds (user + system) `pid` has used so far. */
export async function readCpuSeconds(pid: number): Promise<number> {
  return parseCpuTicks(await Deno.readTextFile(`/proc/${pid}/stat`)) / CLOCK_TICKS_PER_SECOND;
}

/** Jiffies the whole machine spent busy and in total, from the first line of `/proc/stat`. */
export interface CpuTimes {
  readonly busy: number;
  readonly total: number;
}

/**
 * The machine's busy and total jiffies from the text of `/proc/stat`: busy
 * is all but idle, iowait and steal. Interrupt and softirq time count as
 * busy because, without IRQ time accounting, the kernel also charges the
 * softirq work done in a process's context (loopback TCP) to that process.
 *
 * @throws {TypeError} when the text has no aggregate `cpu` line
 */
export function parseCpuTimes(stat: string): CpuTimes {
  const line = stat.split("\n").find((candidate) => candidate.startsWith("cpu "));
  if (line === undefined) throw new TypeError("/proc/stat has no cpu line");
  // user nice system idle iowait irq softirq steal (guest time is already in user).
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
    line.trim().split(/\s+/).slice(1, 9).map(Number);
  return {
    busy: user + nice + system + irq + softirq,
    total: user + nice + system + idle + iowait + irq + softirq + steal,
  };
}

/** The cores' busy share between two readings of `/proc/stat`, 0 to 1. */
export function busyShare(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  return total <= 0 ? 0 : (after.busy - before.busy) / total;
}

/**
 * A reading of the whole machine's CPU time and the bench's own: this
 * process, the children it has reaped, and the long-running children still
 * running (with those they reaped). Between two readings, the rest is the
 * CPU other processes used.
 */
export interface LoadReading {
  readonly machine: CpuTimes;
  /** Ticks of this process tree. */
  readonly own: number;
}

/** Reads the machine's and this process tree's CPU time now; `livePids`: children still running. */
export async function readLoad(livePids: readonly number[] = []): Promise<LoadReading> {
  const [stat, self, ...children] = await Promise.all([
    Deno.readTextFile("/proc/stat"),
    Deno.readTextFile("/proc/self/stat"),
    ...livePids.map((pid) => Deno.readTextFile(`/proc/${pid}/stat`).catch(() => undefined)),
  ]);
  let own = parseCpuTicks(self as string, true);
  for (const text of children) if (text !== undefined) own += parseCpuTicks(text, true);
  return { machine: parseCpuTimes(stat as string), own };
}

/**
 * The share of all cores that processes other than this one and its reaped
 * children kept busy between two readings, 0 to 1. Assumes /proc/stat and
 * /proc/<pid>/stat count in the same clock ticks (they do on Linux, USER_HZ).
 * Softirq work done outside any process (in ksoftirqd or on an idle core)
 * is counted as others', so heavy loopback traffic reads a few percent high.
 */
export function othersBusyShare(before: LoadReading, after: LoadReading): number {
  const total = after.machine.total - before.machine.total;
  if (total <= 0) return 0;
  const others = (after.machine.busy - before.machine.busy) - (after.own - before.own);
  return Math.max(0, others / total);
}

/** How busy the machine is over `ms`, 0 to 1 of all cores. */
export async function measureBusyShare(ms: number): Promise<number> {
  const read = async () => parseCpuTimes(await Deno.readTextFile("/proc/stat"));
  const before = await read();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return busyShare(before, await read());
}
