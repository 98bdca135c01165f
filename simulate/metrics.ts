/**
 * What a fleet run counts, per backend and per time bin (new sessions,
 * failback and drain closes, sessions cut by an outage, refused dials,
 * probes, sessions held), and the figures read from it: a tier's steady
 * new-connection rate, its peak after recovery and their ratio.
 * @module
 */

import type { Scenario } from "./scenario.ts";

/** Per-bin counts of one backend. */
export interface BackendSeries {
  readonly name: string;
  readonly tier: number;
  /** New sessions established, per bin. */
  readonly connects: Float64Array;
  readonly failbackCloses: Float64Array;
  readonly drainCloses: Float64Array;
  /** Sessions cut because the backend went down. */
  readonly cuts: Float64Array;
  /** Dials it refused (down or over its maxSessions). */
  readonly refused: Float64Array;
  /** Probe connections (recovery, latency, health). */
  readonly probes: Float64Array;
  /** Sessions held at the end of each bin. */
  readonly sessions: Float64Array;
}

/** Counts of one fleet run. */
export class FleetMetrics {
  readonly binMs: number;
  readonly bins: number;
  readonly backends: readonly BackendSeries[];
  /** Clients that waited queueTimeout and were closed, per bin. */
  readonly gaveUp: Float64Array;
  /** Clients waiting for a backend at the end of each bin. */
  readonly waiting: Float64Array;

  constructor(scenario: Scenario, readonly sidecars: number) {
    this.binMs = scenario.binMs;
    this.bins = Math.ceil(scenario.durationMs / scenario.binMs) + 1;
    const series = () => new Float64Array(this.bins);
    const tierOf = new Map<string, number>();
    scenario.frontend.backendPool.tiers.forEach((tier, index) => {
      for (const target of tier.targets) {
        for (const host of target.hosts) if (!tierOf.has(host)) tierOf.set(host, index);
      }
    });
    this.backends = scenario.backends.map((backend) => ({
      name: backend.name,
      tier: tierOf.get(backend.name) ?? -1,
      connects: series(),
      failbackCloses: series(),
      drainCloses: series(),
      cuts: series(),
      refused: series(),
      probes: series(),
      sessions: series(),
    }));
    this.gaveUp = series();
    this.waiting = series();
  }

  #bin(now: number): number {
    return Math.min(this.bins - 1, Math.floor(now / this.binMs));
  }

  /** A session was established on backend `g`. */
  connected(g: number, now: number): void {
    bump((this.backends[g] as BackendSeries).connects, this.#bin(now));
  }

  /** Maintenance closed a session on backend `g`. */
  closed(g: number, reason: string, now: number): void {
    const series = this.backends[g] as BackendSeries;
    bump(reason === "failback" ? series.failbackCloses : series.drainCloses, this.#bin(now));
  }

  /** A session on backend `g` was cut by its outage. */
  cut(g: number, now: number): void {
    bump((this.backends[g] as BackendSeries).cuts, this.#bin(now));
  }

  /** Backend `g` refused a dial. */
  refused(g: number, now: number): void {
    bump((this.backends[g] as BackendSeries).refused, this.#bin(now));
  }

  /** A probe connected to (or was refused by) backend `g`. */
  probed(g: number, now: number): void {
    bump((this.backends[g] as BackendSeries).probes, this.#bin(now));
  }

  /** A client gave up waiting. */
  gaveUpWaiting(now: number): void {
    bump(this.gaveUp, this.#bin(now));
  }

  /** Samples the sessions each backend holds and the clients waiting. */
  sample(load: ArrayLike<number>, waiting: number, now: number): void {
    const bin = this.#bin(now);
    this.backends.forEach((series, g) => series.sessions[bin] = load[g] as number);
    this.waiting[bin] = waiting;
  }

  /** The sum of one series over the backends of `tier`. */
  tierSeries(tier: number, pick: (series: BackendSeries) => Float64Array): Float64Array {
    const sum = new Float64Array(this.bins);
    for (const series of this.backends) {
      if (series.tier !== tier) continue;
      const values = pick(series);
      for (let i = 0; i < this.bins; i++) sum[i] = (sum[i] as number) + (values[i] as number);
    }
    return sum;
  }
}

/** The figures of one run for the watched tier. */
export interface PeakFigures {
  /** Mean new sessions per second before the first outage. */
  readonly steadyPerSecond: number;
  /** The highest bin's new sessions per second after recovery. */
  readonly peakPerSecond: number;
  /** When that bin starts (ms). */
  readonly peakAtMs: number;
  /** peak / steady. */
  readonly ratio: number;
  /** The highest bin before the outage over steady: the noise floor of `ratio`. */
  readonly steadyNoise: number;
  /** Failback closes over the whole run (all tiers). */
  readonly failbackCloses: number;
  /** Sessions cut by outages. */
  readonly cuts: number;
  /** Clients that gave up waiting. */
  readonly gaveUp: number;
  /** How long after recovery the tier held 95 % of its steady sessions again (ms), if it did. */
  readonly backMs: number | undefined;
}

/** Where the steady window ends and the recovery starts, from the script. */
export function windows(scenario: Scenario): {
  steadyFromMs: number;
  steadyToMs: number;
  recoveryMs: number;
} {
  const tierHosts = new Set(
    scenario.frontend.backendPool.tiers[scenario.watchTier]?.targets.flatMap((t) => t.hosts),
  );
  const firstDown = scenario.events.find((e) => e.down.some((name) => tierHosts.has(name)));
  const lastUp = scenario.events.findLast((e) => e.up.some((name) => tierHosts.has(name)));
  const steadyFromMs = Math.min(
    scenario.startSpreadMs + 2 * scenario.binMs,
    scenario.durationMs / 4,
  );
  const steadyToMs = firstDown?.atMs ?? scenario.durationMs;
  return { steadyFromMs, steadyToMs, recoveryMs: lastUp?.atMs ?? steadyToMs };
}

/** Peak-to-steady of a per-bin series of new connections. */
export interface Ratio {
  /** Mean per bin in the steady window. */
  readonly steady: number;
  /** The highest bin from the recovery on (the last, partial bin left out). */
  readonly peak: number;
  readonly peakBin: number;
  /** peak / steady (0 when nothing was steady). */
  readonly ratio: number;
  /** The highest bin of the steady window over its mean: what noise alone gives. */
  readonly noise: number;
}

/** The peak after `recoveryMs` over the mean of [steadyFromMs, steadyToMs), of per-bin counts. */
export function peakRatio(
  counts: ArrayLike<number>,
  binMs: number,
  steadyFromMs: number,
  steadyToMs: number,
  recoveryMs: number,
): Ratio {
  const from = Math.floor(steadyFromMs / binMs);
  const to = Math.max(from + 1, Math.floor(steadyToMs / binMs));
  let sum = 0;
  let steadyMax = 0;
  for (let i = from; i < to; i++) {
    sum += counts[i] as number;
    steadyMax = Math.max(steadyMax, counts[i] as number);
  }
  const steady = sum / (to - from);
  let peak = 0;
  let peakBin = Math.floor(recoveryMs / binMs);
  for (let i = peakBin; i < counts.length - 1; i++) {
    if ((counts[i] as number) > peak) {
      peak = counts[i] as number;
      peakBin = i;
    }
  }
  return {
    steady,
    peak,
    peakBin,
    ratio: steady === 0 ? 0 : peak / steady,
    noise: steady === 0 ? 0 : steadyMax / steady,
  };
}

/** The watched tier's figures. */
export function peakFigures(metrics: FleetMetrics, scenario: Scenario): PeakFigures {
  const { steadyFromMs, steadyToMs, recoveryMs } = windows(scenario);
  const perSecond = 1000 / metrics.binMs;
  const connects = metrics.tierSeries(scenario.watchTier, (s) => s.connects);
  const sessions = metrics.tierSeries(scenario.watchTier, (s) => s.sessions);
  const r = peakRatio(connects, metrics.binMs, steadyFromMs, steadyToMs, recoveryMs);
  const binOf = (ms: number) => Math.floor(ms / metrics.binMs);
  const steadySessions = (sessions[Math.max(0, binOf(steadyToMs) - 1)] as number) || 0;
  let backMs: number | undefined;
  for (let i = binOf(recoveryMs); i < metrics.bins - 1; i++) {
    if ((sessions[i] as number) >= 0.95 * steadySessions) {
      backMs = (i + 1) * metrics.binMs - recoveryMs;
      break;
    }
  }
  const total = (pick: (s: BackendSeries) => Float64Array) =>
    metrics.backends.reduce((sum, s) => sum + pick(s).reduce((a, b) => a + b, 0), 0);
  return {
    steadyPerSecond: r.steady * perSecond,
    peakPerSecond: r.peak * perSecond,
    peakAtMs: r.peakBin * metrics.binMs,
    ratio: r.ratio,
    steadyNoise: r.noise,
    failbackCloses: total((s) => s.failbackCloses),
    cuts: total((s) => s.cuts),
    gaveUp: metrics.gaveUp.reduce((a, b) => a + b, 0),
    backMs,
  };
}

function bump(series: Float64Array, bin: number): void {
  series[bin] = (series[bin] as number) + 1;
}
