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
 * User plus system CPU time in clock ticks from the text of `/proc/<pid>/stat`.
 * The command name may hold spaces and parentheses, so fields are counted
 * from the last `)`.
 *
 * @throws {TypeError} when the text is not a stat line
 */
export function parseCpuTicks(stat: string): number {
  const close = stat.lastIndexOf(")");
  if (close < 0) throw new TypeError(`not a /proc stat line: ${stat.slice(0, 60)}`);
  // After ")": state(3) ppid(4) ... utime(14) stime(15), 1-based as in proc(5).
  const fields = stat.slice(close + 1).trim().split(/\s+/);
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new TypeError(`not a /proc stat line: ${stat.slice(0, 60)}`);
  }
  return utime + stime;
}

/** Current VmRSS of `pid`, KiB. */
export async function readVmRssKib(pid: number): Promise<number> {
  return parseVmRssKib(await Deno.readTextFile(`/proc/${pid}/status`));
}

/** CPU seconds (user + system) `pid` has used so far. */
export async function readCpuSeconds(pid: number): Promise<number> {
  return parseCpuTicks(await Deno.readTextFile(`/proc/${pid}/stat`)) / CLOCK_TICKS_PER_SECOND;
}
