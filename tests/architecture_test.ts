/**
 * The layout rules of docs/ARCHITECTURE.md, checked on the source: code
 * outside a `src/` folder imports only that folder's `mod.ts`, folders
 * depend on each other one way (no cycles), decision folders touch no
 * I/O or timers, and no source file in `src/` outgrows 300 lines.
 * @module
 */

import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).pathname;
const SKIPPED_DIRS = new Set([".git", "node_modules", "out", "coverage"]);
/** Folders that decide: no sockets, timers, wall clock or randomness. */
const PURE_FOLDERS = ["balancer", "pool", "config"];
const MAX_LINES = 300;

interface ImportEdge {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

async function sourceFiles(dir = ROOT): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (SKIPPED_DIRS.has(entry.name)) continue;
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory) files.push(...await sourceFiles(`${path}/`));
    else if (entry.isFile && entry.name.endsWith(".ts")) files.push(path.slice(ROOT.length));
  }
  return files.sort();
}

/** Every relative import or re-export of `file`, resolved to a repo path. */
function importsOf(file: string, text: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const pattern =
    /(?:^|\n)\s*(?:import|export)\b[^"';]*?from\s*["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']/g;
  for (const match of text.matchAll(pattern)) {
    const specifier = match[1] ?? match[2] as string;
    const target = new URL(specifier, `file:///${file}`).pathname.slice(1);
    const line = text.slice(0, match.index).split("\n").length;
    edges.push({ file, line, target });
  }
  return edges;
}

/** The `src/` folder a path lies in, if any (root files like src/clock.ts have none). */
function folderOf(path: string): string | undefined {
  const parts = path.split("/");
  return parts[0] === "src" && parts.length > 2 ? parts[1] : undefined;
}

const files = await sourceFiles();
const texts = new Map(
  await Promise.all(files.map(async (f) => [f, await Deno.readTextFile(`${ROOT}${f}`)] as const)),
);
const edges = files.flatMap((file) => importsOf(file, texts.get(file) as string));

Deno.test("code outside a src/ folder imports only that folder's mod.ts", () => {
  const inner = edges.filter(({ file, target }) => {
    const folder = folderOf(target);
    return folder !== undefined && folder !== folderOf(file) &&
      !target.endsWith(`src/${folder}/mod.ts`);
  });
  assert.deepEqual(
    inner.map(({ file, line, target }) => `${file}:${line} imports ${target}`),
    [],
    "import it from the folder's mod.ts (export it there if it belongs to the folder's surface)",
  );
});

Deno.test("src/ folders depend on each other one way: no cycle", () => {
  const graph = new Map<string, Set<string>>();
  for (const { file, target } of edges) {
    if (file.endsWith("_test.ts")) continue; // a test may use any helper, including src/testing
    const from = folderOf(file);
    const to = folderOf(target);
    if (from === undefined || to === undefined || from === to) continue;
    graph.set(from, (graph.get(from) ?? new Set()).add(to));
  }
  const cycles: string[] = [];
  const visit = (node: string, path: string[]) => {
    for (const next of graph.get(node) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) cycles.push([...path.slice(at), next].join(" → "));
      else visit(next, [...path, next]);
    }
  };
  for (const node of graph.keys()) visit(node, [node]);
  assert.deepEqual([...new Set(cycles)], []);
});

Deno.test("decision folders touch no sockets, timers, wall clock or randomness", () => {
  const forbidden =
    /\bDeno\.(?!errors\b)\w+|\bsetTimeout\b|\bsetInterval\b|\bDate\.now\(|\bMath\.random\(/;
  const found: string[] = [];
  for (const [file, text] of texts) {
    const folder = folderOf(file);
    if (folder === undefined || !PURE_FOLDERS.includes(folder) || file.endsWith("_test.ts")) {
      continue;
    }
    // Loading a config file is I/O by nature; it lives in config/ but decides nothing.
    if (/^src\/config\/(load|yaml|.*worker.*)\.ts$/.test(file)) continue;
    text.split("\n").forEach((line, index) => {
      const code = line.replace(/\/\/.*$/, "");
      if (forbidden.test(code) && !/^\s*\*/.test(line)) {
        found.push(`${file}:${index + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(found, []);
});

Deno.test("every timer in src/ goes through the injected Scheduler", () => {
  // The scheduler itself, test helpers, the logger's end-of-turn flush (not a
  // timer anyone waits on) and the dashboard's script (it runs in the browser).
  const allowed = /^src\/(scheduler\.ts|testing\/|log\/logger\.ts|diag\/dashboard\.ts)/;
  const found: string[] = [];
  for (const [file, text] of texts) {
    if (!file.startsWith("src/") || file.endsWith("_test.ts") || allowed.test(file)) continue;
    text.split("\n").forEach((line, index) => {
      if (/\bset(Timeout|Interval)\(/.test(line)) {
        found.push(`${file}:${index + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(found, []);
});

Deno.test(`no source file in src/ is over ${MAX_LINES} lines`, () => {
  const long = [...texts].filter(([file, text]) =>
    file.startsWith("src/") && !file.endsWith("_test.ts") && text.split("\n").length > MAX_LINES + 1
  ).map(([file, text]) => `${file}: ${text.split("\n").length - 1} lines`);
  assert.deepEqual(long, []);
});
