/**
 * Counters that only go up, shaped as Prometheus exposes them: recorded on
 * the data path, read by diagnostics.
 * @module
 */

export {
  DIAL_SECONDS_BUCKETS,
  Histogram,
  type HistogramSnapshot,
  SESSION_SECONDS_BUCKETS,
} from "./histogram.ts";
