/**
 * `/metrics` in Prometheus text: per-proxy byte counters added when a
 * connection direction ends, and a few runtime gauges.
 * @module
 */

import type { StreamDirection } from "./toxic_config.ts";

/** The labels of a proxy byte counter. */
export interface ProxyMetricLabels {
  readonly direction: StreamDirection;
  readonly listener: string;
  readonly proxy: string;
  readonly upstream: string;
}

interface Counter {
  readonly labels: ProxyMetricLabels;
  received: number;
  sent: number;
}

/** Escapes a Prometheus label value. */
function labelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function labelText(labels: ProxyMetricLabels): string {
  const { direction, listener, proxy, upstream } = labels;
  return `{direction="${direction}",listener="${labelValue(listener)}",proxy="${
    labelValue(proxy)
  }",upstream="${labelValue(upstream)}"}`;
}

/**
 * Toxiproxy's /metrics: byte counters per proxy and direction, added when a
 * connection direction ends (not while data flows), in Prometheus text format.
 */
export class Metrics {
  readonly proxyMetrics: boolean;
  readonly runtimeMetrics: boolean;
  #counters = new Map<string, Counter>();

  /** @param options which collectors are on; /metrics exists when either is. */
  constructor(options: { proxyMetrics: boolean; runtimeMetrics: boolean }) {
    this.proxyMetrics = options.proxyMetrics;
    this.runtimeMetrics = options.runtimeMetrics;
  }

  /** True when the /metrics route exists. */
  get enabled(): boolean {
    return this.proxyMetrics || this.runtimeMetrics;
  }

  /** Adds the byte counts of one finished connection direction. */
  record(labels: ProxyMetricLabels, received: number, sent: number): void {
    if (!this.proxyMetrics) return;
    const key = labelText(labels);
    let counter = this.#counters.get(key);
    if (counter === undefined) {
      counter = { labels, received: 0, sent: 0 };
      this.#counters.set(key, counter);
    }
    counter.received += received;
    counter.sent += sent;
  }

  /** The exposition text; `memory` feeds the runtime gauges. */
  render(memory: { rss: number; heapUsed: number } = { rss: 0, heapUsed: 0 }): string {
    const lines: string[] = [];
    if (this.runtimeMetrics) {
      lines.push(
        "# HELP go_build_info Build information about the main binary.",
        "# TYPE go_build_info gauge",
        'go_build_info{checksum="",path="iaido/toxiproxy",version="(devel)"} 1',
        "# HELP go_memstats_heap_alloc_bytes Number of heap bytes allocated and still in use.",
        "# TYPE go_memstats_heap_alloc_bytes gauge",
        `go_memstats_heap_alloc_bytes ${memory.heapUsed}`,
        "# HELP process_resident_memory_bytes Resident memory size in bytes.",
        "# TYPE process_resident_memory_bytes gauge",
        `process_resident_memory_bytes ${memory.rss}`,
      );
    }
    lines.push(
      "# HELP promhttp_metric_handler_errors_total Total number of internal errors encountered by the promhttp metric handler.",
      "# TYPE promhttp_metric_handler_errors_total counter",
      'promhttp_metric_handler_errors_total{cause="encoding"} 0',
      'promhttp_metric_handler_errors_total{cause="gathering"} 0',
    );
    if (this.proxyMetrics && this.#counters.size > 0) {
      const counters = [...this.#counters.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
      for (
        const [name, field, help] of [
          ["received", "received", "The total bytes received from a toxiproxy proxy"],
          ["sent", "sent", "The total bytes sent by a toxiproxy proxy"],
        ] as const
      ) {
        const metric = `toxiproxy_proxy_${name}_bytes_total`;
        lines.push(`# HELP ${metric} ${help}`, `# TYPE ${metric} counter`);
        for (const [key, counter] of counters) lines.push(`${metric}${key} ${counter[field]}`);
      }
    }
    return lines.join("\n") + "\n";
  }
}
