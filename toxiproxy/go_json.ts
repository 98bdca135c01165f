/**
 * JSON read and written the way Go's `encoding/json` does, as far as the
 * Toxiproxy API shows it: only the first value of a body counts, numbers keep
 * their text (so `1.5` can be refused for an integer), keys match
 * case-insensitively, and strings escape `<`, `>` and `&`.
 * @module
 */

/** A parsed JSON value; numbers keep their source text. */
export type JsonValue =
  | { readonly kind: "null" }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "number"; readonly text: string }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "array"; readonly items: readonly JsonValue[] }
  | { readonly kind: "object"; readonly entries: readonly (readonly [string, JsonValue])[] };

/** A body that is not JSON, or holds the wrong types; the message follows Go's. */
export class JsonError extends Error {
  /** @param message e.g. `EOF`, `invalid character 'x' looking for beginning of value`. */
  constructor(message: string) {
    super(message);
    this.name = "JsonError";
  }
}

/** Go allows 10 000 levels; JS recursion that deep can overflow the stack, so stop sooner. */
const MAX_DEPTH = 1000;

/** Parses the first JSON value of `text`; whatever follows it is ignored, like Go's Decoder. */
export function parseFirstValue(text: string): JsonValue {
  let i = 0;
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
  };
  // Go reads bytes: a non-ASCII character is named by its first UTF-8 byte as a rune.
  const quote = (c: string) => {
    if (c === "'") return "'\\''";
    const code = c.codePointAt(0)!;
    return code < 0x80 ? `'${c}'` : `'${String.fromCharCode(utf8Lead(code))}'`;
  };
  const invalid = (context: string): JsonError => {
    if (i >= text.length) return new JsonError("unexpected EOF");
    return new JsonError(
      `invalid character ${quote(String.fromCodePoint(text.codePointAt(i)!))} ${context}`,
    );
  };
  const value = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) throw new JsonError("exceeded max depth");
    ws();
    const c = text[i];
    if (c === "{") return object(depth);
    if (c === "[") return array(depth);
    if (c === '"') return { kind: "string", value: string() };
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return number();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (c === word[0]) {
        for (let k = 1; k < word.length; k++) {
          i++;
          if (text[i] !== word[k]) {
            throw invalid(`in literal ${word} (expecting ${quote(word[k]!)})`);
          }
        }
        i++;
        return v === null ? { kind: "null" } : { kind: "bool", value: v };
      }
    }
    throw invalid("looking for beginning of value");
  };
  const number = (): JsonValue => {
    const start = i;
    if (text[i] === "-") i++;
    const digits = () => {
      const s = i;
      while (i < text.length && text[i]! >= "0" && text[i]! <= "9") i++;
      return i - s;
    };
    if (text[i] === "0") i++;
    else if (digits() === 0) throw invalid("in numeric literal");
    if (text[i] === ".") {
      i++;
      if (digits() === 0) throw invalid("after decimal point in numeric literal");
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      if (digits() === 0) throw invalid("in exponent of numeric literal");
    }
    return { kind: "number", text: text.slice(start, i) };
  };
  const string = (): string => {
    i++;
    let out = "";
    while (true) {
      if (i >= text.length) throw new JsonError("unexpected EOF");
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c.charCodeAt(0) < 0x20) throw invalid("in string literal");
      if (c === "\\") {
        i++;
        const e = text[i];
        const simple: Record<string, string> = {
          '"': '"',
          "\\": "\\",
          "/": "/",
          b: "\b",
          f: "\f",
          n: "\n",
          r: "\r",
          t: "\t",
        };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i++;
        } else if (e === "u") {
          const hex = text.slice(i + 1, i + 5);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            i++;
            while (i < text.length && /[0-9a-fA-F]/.test(text[i]!)) i++;
            throw invalid("in \\u hexadecimal character escape");
          }
          out += String.fromCharCode(parseInt(hex, 16));
          i += 5;
        } else {
          throw invalid("in string escape code");
        }
        continue;
      }
      out += c;
      i++;
    }
  };
  const object = (depth: number): JsonValue => {
    i++;
    const entries: [string, JsonValue][] = [];
    ws();
    if (text[i] === "}") {
      i++;
      return { kind: "object", entries };
    }
    while (true) {
      ws();
      if (text[i] !== '"') throw invalid("looking for beginning of object key string");
      const key = string();
      ws();
      if (text[i] !== ":") throw invalid("after object key");
      i++;
      entries.push([key, value(depth + 1)]);
      ws();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "}") {
        i++;
        return { kind: "object", entries };
      }
      throw invalid("after object key:value pair");
    }
  };
  const array = (depth: number): JsonValue => {
    i++;
    const items: JsonValue[] = [];
    ws();
    if (text[i] === "]") {
      i++;
      return { kind: "array", items };
    }
    while (true) {
      items.push(value(depth + 1));
      ws();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "]") {
        i++;
        return { kind: "array", items };
      }
      throw invalid("after array element");
    }
  };
  ws();
  if (i >= text.length) throw new JsonError("EOF");
  return value(0);
}

/** The first byte of the UTF-8 encoding of `codePoint`. */
function utf8Lead(codePoint: number): number {
  if (codePoint < 0x800) return 0xc0 | (codePoint >> 6);
  if (codePoint < 0x10000) return 0xe0 | (codePoint >> 12);
  return 0xf0 | (codePoint >> 18);
}

/** Go's name for a JSON value's kind in "cannot unmarshal" errors. */
function goKind(value: JsonValue): string {
  return value.kind === "bool" ? "bool" : value.kind;
}

/** Go types whose decoding failures quote the number (`number 1.5`); others say `number`. */
const NUMERIC_GO_TYPES = new Set(["int", "int64", "float32", "float64"]);

/** The error Go gives for a value of the wrong type. */
export function typeError(value: JsonValue, field: string, goType: string): JsonError {
  const what = value.kind === "number" && NUMERIC_GO_TYPES.has(goType)
    ? `number ${value.text}`
    : goKind(value);
  return new JsonError(
    `json: cannot unmarshal ${what} into Go struct field ${field} of type ${goType}`,
  );
}

/**
 * Looks keys of an object up case-insensitively, the last match winning as
 * in Go. Returns undefined for keys that are absent or `null` (Go leaves the
 * field alone then).
 */
export function fieldsOf(value: JsonValue): (name: string) => JsonValue | undefined {
  if (value.kind !== "object") return () => undefined;
  const byName = new Map<string, JsonValue>();
  for (const [key, v] of value.entries) byName.set(key.toLowerCase(), v);
  return (name) => {
    const v = byName.get(name.toLowerCase());
    return v === undefined || v.kind === "null" ? undefined : v;
  };
}

/** A field reader: `null`/absent gives undefined, a value `convert` refuses is Go's type error. */
type FieldGetter = (name: string) => JsonValue | undefined;

function readField<T>(
  get: FieldGetter,
  name: string,
  goStruct: string,
  goType: string,
  convert: (value: JsonValue) => T | undefined,
): T | undefined {
  const v = get(name);
  if (v === undefined) return undefined;
  const converted = convert(v);
  if (converted === undefined) throw typeError(v, `${goStruct}.${name}`, goType);
  return converted;
}

/** Reads a string field; `null`/absent gives undefined. */
export function stringField(get: FieldGetter, name: string, goStruct: string): string | undefined {
  return readField(
    get,
    name,
    goStruct,
    "string",
    (v) => (v.kind === "string" ? v.value : undefined),
  );
}

/** Reads a bool field; `null`/absent gives undefined. */
export function boolField(get: FieldGetter, name: string, goStruct: string): boolean | undefined {
  return readField(get, name, goStruct, "bool", (v) => (v.kind === "bool" ? v.value : undefined));
}

/** Reads a float32 field; the value is rounded to float32 and kept as its shortest decimal. */
export function float32Field(get: FieldGetter, name: string, goStruct: string): number | undefined {
  return readField(get, name, goStruct, "float32", (v) => {
    if (v.kind !== "number") return undefined;
    const f = Math.fround(Number(v.text));
    return Number.isFinite(f) ? shortestFloat32(f) : undefined;
  });
}

/**
 * Reads an integer field. Refuses fractions and exponents like Go; values
 * beyond ±2^53 are refused too, as a JS number cannot keep them exact.
 */
export function intField(
  get: FieldGetter,
  name: string,
  goStruct: string,
  goType: "int" | "int64" = "int64",
): number | undefined {
  return readField(get, name, goStruct, goType, (v) => {
    if (v.kind !== "number" || !/^-?[0-9]+$/.test(v.text)) return undefined;
    const n = Number(v.text);
    return Number.isSafeInteger(n) ? n : undefined;
  });
}

/** The float32 `f` as the shortest decimal that reads back as the same float32 (Go prints it so). */
export function shortestFloat32(f: number): number {
  if (f === 0 || !Number.isFinite(f)) return f;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}

/** A string as Go's `json.Marshal` writes it (HTML characters and U+2028/9 escaped). */
export function goString(s: string): string {
  return JSON.stringify(s.toWellFormed()).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
