/**
 * A strict reader of the Prometheus text format, for tests: it checks what
 * `promtool check metrics` checks about structure (TYPE before samples,
 * one TYPE per family, well-formed samples and labels, histogram suffixes,
 * a final newline) and returns the samples.
 * @module
 */

/** One parsed sample. */
export interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One family: its type, help and samples. */
export interface ParsedFamily {
  readonly type: string;
  readonly help: string;
  readonly samples: ParsedSample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\[\\"n])*)"(,|$)/y;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** Parses exposition text; throws on anything malformed. */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  if (text !== "" && !text.endsWith("\n")) throw new Error("exposition must end with a newline");
  const families = new Map<string, ParsedFamily>();
  const helps = new Map<string, string>();
  for (const line of text.split("\n").slice(0, -1)) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta !== null) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (kind === "HELP") helps.set(name, rest);
      else {
        if (families.has(name)) throw new Error(`second # TYPE for ${name}`);
        if (!TYPES.has(rest)) throw new Error(`unknown type ${rest} for ${name}`);
        families.set(name, { type: rest, help: helps.get(name) ?? "", samples: [] });
      }
      continue;
    }
    if (line.startsWith("#") || line === "") continue;
    const match = SAMPLE.exec(line);
    if (match === null) throw new Error(`malformed sample: ${line}`);
    const [, name, , labelText = "", valueText] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    const family = families.get(name) ?? families.get(name.replace(/_(bucket|sum|count)$/, ""));
    if (family === undefined) throw new Error(`sample ${name} before its # TYPE`);
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < labelText.length) {
      const start = LABEL.lastIndex;
      const label = LABEL.exec(labelText);
      if (label === null || label.index !== start) throw new Error(`malformed sample: ${line}`);
      labels[label[1] as string] = (label[2] as string).replace(
        /\\(.)/g,
        (_, c) => (c === "n" ? "\n" : c),
      );
    }
    const value = valueText === "+Inf"
      ? Infinity
      : valueText === "-Inf"
      ? -Infinity
      : Number(valueText);
    if (Number.isNaN(value) && valueText !== "NaN") throw new Error(`malformed value: ${line}`);
    family.samples.push({ name, labels, value });
  }
  return families;
}
