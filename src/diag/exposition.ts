/**
 * Prometheus text exposition (format 0.0.4): one `# HELP` and `# TYPE` per
 * family, label values escaped, histograms as `_bucket`/`_sum`/`_count`.
 * @module
 */

import type { HistogramSnapshot } from "../stats/mod.ts";

/** Label names to values. */
export type Labels = Readonly<Record<string, string>>;

/** The content type Prometheus expects for this format. */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Collects metric families and writes them out. */
export class Exposition {
  readonly #families = new Map<string, { help: string; type: string; lines: string[] }>();

  /** Adds a counter sample (a value that only goes up). */
  counter(name: string, help: string, labels: Labels, value: number): void {
    this.#family(name, help, "counter").push(sample(name, labels, value));
  }

  /** Adds a gauge sample. */
  gauge(name: string, help: string, labels: Labels, value: number): void {
    this.#family(name, help, "gauge").push(sample(name, labels, value));
  }

  /** Adds a histogram's samples. */
  histogram(name: string, help: string, labels: Labels, snapshot: HistogramSnapshot): void {
    const lines = this.#family(name, help, "histogram");
    for (const [bound, count] of snapshot.buckets) {
      lines.push(sample(`${name}_bucket`, { ...labels, le: formatNumber(bound) }, count));
    }
    lines.push(sample(`${name}_bucket`, { ...labels, le: "+Inf" }, snapshot.count));
    lines.push(sample(`${name}_sum`, labels, snapshot.sum));
    lines.push(sample(`${name}_count`, labels, snapshot.count));
  }

  /** The exposition text. */
  render(): string {
    let text = "";
    for (const [name, family] of this.#families) {
      text += `# HELP ${name} ${family.help.replaceAll("\\", "\\\\").replaceAll("\n", "\\n")}\n`;
      text += `# TYPE ${name} ${family.type}\n`;
      for (const line of family.lines) text += `${line}\n`;
    }
    return text;
  }

  #family(name: string, help: string, type: string): string[] {
    let family = this.#families.get(name);
    if (family === undefined) {
      family = { help, type, lines: [] };
      this.#families.set(name, family);
    }
    return family.lines;
  }
}

/** Escapes a label value: backslash, double quote and newline. */
export function escapeLabelValue(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

function sample(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([key, label]) => `${key}="${escapeLabelValue(label)}"`);
  return `${name}${pairs.length === 0 ? "" : `{${pairs.join(",")}}`} ${formatNumber(value)}`;
}

function formatNumber(value: number): string {
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  if (Number.isNaN(value)) return "NaN";
  return String(value);
}
