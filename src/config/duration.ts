/**
 * Go-style durations (`"1h0m0s"`, `"250ms"`, `"1.5s"`, `"-1ms"`), as Iaido's
 * YAML uses them, converted to and from milliseconds.
 * @module
 */

// Summed in whole nanoseconds, as Go does, so "1.001s" is exactly 1001 ms.
const UNIT_NS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  "µs": 1e3,
  "μs": 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const PART = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Parses a Go duration string into milliseconds.
 *
 * @throws {RangeError} naming the input when it is not a Go duration.
 */
export function parseDuration(text: string): number {
  let rest = text.trim();
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest.startsWith("-") ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") throw new RangeError(`not a duration: "${text}"`);
  let totalNs = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < rest.length) {
    const start = PART.lastIndex;
    const match = PART.exec(rest);
    if (match === null || match.index !== start) {
      throw new RangeError(
        `not a duration: "${text}" (use a number with a unit: ns, us, ms, s, m, h, e.g. "1h30m", "250ms")`,
      );
    }
    totalNs += Math.round(Number(match[1]) * (UNIT_NS[match[2] as string] as number));
  }
  return (sign * totalNs) / 1e6;
}

/**
 * Formats milliseconds the way Go's `time.Duration.String()` does, so a
 * formatted config reads like Iaido's: `1h0m0s`, `1.5s`, `250ms`, `0s`.
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 1e-3) return `${trimFloat(ms * 1e6)}ns`;
  if (ms < 1) return `${trimFloat(ms * 1e3)}µs`;
  if (ms < 1000) return `${trimFloat(ms)}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = trimFloat((ms % 60_000) / 1000);
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

function trimFloat(value: number): string {
  return String(Number(value.toFixed(6)));
}
