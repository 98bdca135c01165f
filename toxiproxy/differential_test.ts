/**
 * Differential test: the same API calls against our server and the real
 * Toxiproxy 2.12 (`toxiproxy-server` of the shared tools), comparing status,
 * content type, request-id presence and body. Every difference is either
 * fixed or listed in {@linkcode DELIBERATE} with its reason (the same table
 * is in README.md); a listed case must still differ, so the list stays true.
 * Without the real server the test prints why and checks nothing.
 * @module
 */

import assert from "node:assert/strict";
import { type Call, type DifferentialCase, differentialCases } from "./differential_cases.ts";
import { missingToolLine } from "../src/testing/mod.ts";
import { startReferenceToxiproxy } from "./reference_server.ts";
import { startToxiproxy } from "./start_toxiproxy.ts";

/** Cases where we answer differently on purpose, and why. Mirrored in README.md. */
export const DELIBERATE: Readonly<Record<string, string>> = {
  "update with a bad value after good ones":
    "an update is all or nothing: Go decodes in place and keeps the keys before the bad one",
  "integers beyond 2^53":
    "a JS number cannot hold them exactly; refusing beats storing a different number",
  "JSON nested deeper than 1000 levels":
    "a recursive parser that deep could overflow the stack; Go allows 10 000 levels",
  "a body over 1 MiB": "bodies are capped (413) so a huge POST cannot exhaust memory",
};

/** What one call answered, reduced to what must match. */
async function answer(baseUrl: string, call: Call): Promise<string> {
  const body = call.body === undefined
    ? undefined
    : typeof call.body === "string"
    ? call.body
    : JSON.stringify(call.body);
  const response = await fetch(`${baseUrl}${call.path}`, {
    method: call.method,
    headers: { "user-agent": "differential-test", ...call.headers },
    redirect: "manual",
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  const requestId = response.headers.has("x-toxiproxy-request-id") ? "id" : "no id";
  const type = response.headers.get("content-type") ?? "no type";
  return `${response.status} | ${type} | ${requestId} | ${normalize(text)}`;
}

/** Ports the servers picked differ; everything else must not. */
function normalize(text: string): string {
  return text.replace(/("listen":"(?:127\.0\.0\.1|\[::\]|\[::1\])):\d+"/g, '$1:PORT"');
}

async function clear(baseUrl: string): Promise<void> {
  const response = await fetch(`${baseUrl}/proxies`);
  const names = Object.keys(await response.json());
  for (const name of names) {
    const deleted = await fetch(`${baseUrl}/proxies/${encodeURIComponent(name)}`, {
      method: "DELETE",
    });
    await deleted.body?.cancel();
  }
}

async function run(baseUrl: string, testCase: DifferentialCase): Promise<string[]> {
  await clear(baseUrl);
  const answers: string[] = [];
  for (const call of testCase.calls) answers.push(await answer(baseUrl, call));
  return answers;
}

/** Every differing answer of a case, as a readable paragraph. */
function describe(testCase: DifferentialCase, ours: string[], real: string[]): string {
  const lines = [testCase.name];
  testCase.calls.forEach((call, i) => {
    if (ours[i] === real[i]) return;
    const body = call.body === undefined ? "" : ` ${JSON.stringify(call.body).slice(0, 200)}`;
    lines.push(
      `  call ${i + 1} ${call.method} ${call.path}${body}`,
      `    ours: ${ours[i]?.trimEnd()}`,
      `    real: ${real[i]?.trimEnd()}`,
    );
  });
  return lines.join("\n");
}

Deno.test("our API answers every call as the real Toxiproxy does, but for the deliberate list", async () => {
  await using real = await startReferenceToxiproxy();
  if (real === undefined) {
    console.log(missingToolLine("toxiproxy-server"));
    return;
  }
  await using ours = await startToxiproxy({ hostname: "127.0.0.1", port: 0 });
  const unexpected: string[] = [];
  const stale: string[] = [];
  for (const testCase of differentialCases()) {
    const ourAnswers = await run(ours.url, testCase);
    const realAnswers = await run(real.url, testCase);
    const same = ourAnswers.every((text, i) => text === realAnswers[i]);
    const reason = DELIBERATE[testCase.name];
    if (!same && reason === undefined) {
      unexpected.push(describe(testCase, ourAnswers, realAnswers));
    }
    if (!same && reason !== undefined && Deno.env.get("DIFFERENTIAL_VERBOSE")) {
      console.log(`deliberate: ${describe(testCase, ourAnswers, realAnswers)}`);
    }
    if (same && reason !== undefined) stale.push(testCase.name);
  }
  await clear(ours.url);
  await clear(real.url);
  assert.deepEqual(unexpected, [], `answers differ:\n${unexpected.join("\n")}`);
  assert.deepEqual(stale, [], "listed as deliberate but answered alike: drop them from the list");
});

Deno.test("every deliberate difference names a case that exists", () => {
  const names = new Set(differentialCases().map((c) => c.name));
  for (const name of Object.keys(DELIBERATE)) assert.ok(names.has(name), name);
  assert.equal(names.size, differentialCases().length, "case names must be unique");
});
