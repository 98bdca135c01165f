/**
 * Medians and ratios of repeated measurements.
 * @module
 */

/**
 * The median of `values` (the mean of the middle two for an even count).
 *
 * @throws {RangeError} when `values` is empty
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of no values: current length is 0");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle] as number
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** `numerator / denominator`, or `undefined` when either is missing or the denominator is 0. */
export function ratio(
  numerator: number | undefined,
  denominator: number | undefined,
): number | undefined {
  if (numerator === undefined || denominator === undefined || denominator === 0) return undefined;
  return numerator / denominator;
}

/** Smallest and largest of `values`, to show the spread beside a median. */
export function spread(values: readonly number[]): { min: number; max: number } {
  if (values.length === 0) throw new RangeError("spread of no values: current length is 0");
  return { min: Math.min(...values), max: Math.max(...values) };
}
