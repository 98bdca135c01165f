/**
 * The code of the config-loading Worker, as text: it runs from a `blob:`
 * URL, which Deno loads without read permission (a Worker from a local
 * file would need `--allow-read` for the file and everything it imports),
 * and it imports nothing local, only `npm:yaml`. It parses YAML or JSON
 * with limits (keys, depth, aliases) and a linear duplicate-key check, or
 * imports a module (a fresh module graph per Worker), and posts back the
 * plain value or positioned problems. `load_worker.ts` runs it.
 * @module
 */

/**
 * The parsing functions (JavaScript): `parseYaml(text, limits)`,
 * `parseJson(text, limits)` and `importDefault(url, limits)`, each
 * resolving to a `LoadReply`. The fuzz test runs them in-process.
 */
export const LOAD_FUNCTIONS_SOURCE = `
import process from "node:process";
import { isAlias, isMap, isScalar, isSeq, parseDocument } from "npm:yaml@2.9.1";

function lineAndColumn(text, offset) {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\\n"); i >= 0 && i < offset; i = text.indexOf("\\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

function at(text, node) {
  const offset = node && node.range ? node.range[0] : 0;
  return lineAndColumn(text, offset);
}

// Walks the document without recursion: counts keys, bounds depth, finds
// duplicate keys (linear; npm:yaml's own check is quadratic) and aliases.
function checkTree(text, root, limits) {
  const problems = [];
  let keys = 0;
  let firstAlias;
  const stack = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop();
    if (node === null || node === undefined) continue;
    if (isAlias(node)) {
      firstAlias = firstAlias === undefined || node.range[0] < firstAlias.range[0]
        ? node
        : firstAlias;
      continue;
    }
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > limits.maxDepth) {
      return { problems: [{ ...at(text, node), message: "nested deeper than " + limits.maxDepth + " levels (the limit)" }] };
    }
    if (isSeq(node)) {
      for (const item of node.items) stack.push([item, depth + 1]);
      continue;
    }
    const seen = new Set();
    for (const pair of node.items) {
      keys++;
      if (keys > limits.maxKeys) {
        return { problems: [{ ...at(text, pair.key), message: "more than " + limits.maxKeys + " keys (the limit)" }] };
      }
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (seen.has(key)) {
        problems.push({ ...at(text, pair.key), message: "duplicate key " + JSON.stringify(key) });
      }
      seen.add(key);
      if (isAlias(pair.key)) stack.push([pair.key, depth + 1]);
      stack.push([pair.value, depth + 1]);
    }
  }
  return { problems, firstAlias };
}

function parseYaml(text, limits) {
  const document = parseDocument(text, {
    prettyErrors: true,
    uniqueKeys: false,
    maxAliasCount: limits.maxAliasCount,
  });
  if (document.errors.length > 0) {
    return {
      problems: document.errors.map((error) => ({
        line: error.linePos ? error.linePos[0].line : 0,
        column: error.linePos ? error.linePos[0].col : 0,
        message: (error.message.split("\\n")[0] || "").replace(/ at line \\d+, column \\d+:?$/, ""),
      })),
    };
  }
  const { problems, firstAlias } = checkTree(text, document.contents, limits);
  if (problems.length > 0) return { problems };
  try {
    const value = document.toJS({ maxAliasCount: limits.maxAliasCount });
    return { value: value === undefined || value === null ? {} : value };
  } catch (error) {
    // Unresolved aliases and alias bombs: point at the first alias.
    return { problems: [{ ...at(text, firstAlias), message: String(error.message).split("\\n")[0] }] };
  }
}

function depthAndKeys(value, limits) {
  let keys = 0;
  const stack = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop();
    if (node === null || typeof node !== "object") continue;
    if (depth > limits.maxDepth) return "nested deeper than " + limits.maxDepth + " levels (the limit)";
    const children = Array.isArray(node) ? node : Object.values(node);
    if (!Array.isArray(node)) keys += children.length;
    if (keys > limits.maxKeys) return "more than " + limits.maxKeys + " keys (the limit)";
    for (const child of children) stack.push([child, depth + 1]);
  }
  return undefined;
}

function parseJson(text, limits) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = String(error.message);
    const position = /line (\\d+) column (\\d+)/.exec(message);
    const offset = /position (\\d+)/.exec(message);
    const where = position
      ? { line: Number(position[1]), column: Number(position[2]) }
      : offset
      ? lineAndColumn(text, Number(offset[1]))
      : { line: 0, column: 0 };
    return { problems: [{ ...where, message: message.replace(/ (in JSON )?at position \\d+.*$/, "") }] };
  }
  const problem = depthAndKeys(value, limits);
  return problem === undefined ? { value } : { problems: [{ line: 0, column: 0, message: problem }] };
}

// Keeps what validation can use: an unknown key's value becomes null (its
// name is enough to report it), a mapping or list where the schema has a
// leaf or the other kind becomes empty (enough to say "a mapping").
function prune(value, shape, depth = 0) {
  if (value === null || typeof value !== "object") return value;
  if (shape === 0 || depth > 64) return Array.isArray(value) ? [] : {};
  if ("l" in shape) return Array.isArray(value) ? value.map((item) => prune(item, shape.l, depth + 1)) : {};
  if (Array.isArray(value)) return [];
  const out = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] = Object.hasOwn(shape.o, key) ? prune(child, shape.o[key], depth + 1) : null;
  }
  return out;
}

async function importDefault(url, limits) {
  let module;
  try {
    module = await import(url);
  } catch (error) {
    return { importError: String(error && error.message || error) };
  }
  if (!("default" in module)) return { noDefault: true };
  const problem = depthAndKeys(module.default, limits);
  if (problem !== undefined) return { problems: [{ line: 0, column: 0, message: problem }] };
  return { value: module.default };
}

`;

/** The Worker's source (JavaScript; see the request and reply types in `load_worker.ts`). */
export const LOAD_WORKER_SOURCE = `${LOAD_FUNCTIONS_SOURCE}
// npm:yaml reads two debug variables on every parse; this Worker asks for no env access.
Object.defineProperty(process, "env", { value: {}, configurable: true, writable: true });

self.onmessage = async ({ data }) => {
  // Answered once this module (and npm:yaml) has loaded: the Worker is ready.
  if (data.kind === "ping") return self.postMessage({ id: data.id, value: null });
  let reply;
  try {
    const text = data.bytes === undefined ? "" : new TextDecoder().decode(data.bytes);
    reply = data.kind === "yaml"
      ? parseYaml(text, data.limits)
      : data.kind === "json"
      ? parseJson(text, data.limits)
      : await importDefault(data.url, data.limits);
  } catch (error) {
    reply = { problems: [{ line: 0, column: 0, message: String(error && error.message || error) }] };
  }
  if (reply.value !== undefined && data.shape !== undefined) reply.value = prune(reply.value, data.shape);
  try {
    self.postMessage({ ...reply, id: data.id });
  } catch (error) {
    self.postMessage({ id: data.id, problems: [{ line: 0, column: 0, message: "the config is not plain data: " + String(error.message) }] });
  }
};
`;
