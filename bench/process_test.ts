import assert from "node:assert/strict";
import { Children, freePort, runTool } from "./process.ts";

Deno.test("runTool() returns what the command printed", async () => {
  const { code, stdout } = await runTool("sh", ["-c", "echo out; echo err >&2"], 5_000);
  assert.equal(code, 0);
  assert.equal(stdout, "out\n");
});

Deno.test("runTool() kills a command that outlives its deadline", async () => {
  const started = Date.now();
  await assert.rejects(runTool("sleep", ["30"], 200), /killed after 200 ms/);
  assert.ok(Date.now() - started < 5_000);
});

Deno.test("runTool() rejects an exit code it was not told to accept", async () => {
  await assert.rejects(runTool("sh", ["-c", "exit 3"], 5_000), /exit code 3/);
  const { code } = await runTool("sh", ["-c", "exit 1"], 5_000, { okCodes: [0, 1] });
  assert.equal(code, 1);
});

Deno.test("Children: waitForOutput() sees a line, and disposing stops every child", async () => {
  const children = new Children();
  const child = children.spawn("talker", "sh", ["-c", "echo ready; exec sleep 30"]);
  await child.waitForOutput(/^ready$/, 1, 5_000);
  const started = Date.now();
  await children[Symbol.asyncDispose]();
  assert.notEqual(await child.exited, 0);
  assert.ok(Date.now() - started < 5_000);
});

Deno.test("Children: waitForOutput() fails fast when the child exits without the line", async () => {
  await using children = new Children();
  const child = children.spawn("quitter", "sh", ["-c", "echo nope; exit 2"]);
  await assert.rejects(child.waitForOutput(/ready/, 1, 5_000), /exited before printing/);
});

Deno.test("Children: waitForOutput() reads stderr when told, and runningPids() lists the live", async () => {
  await using children = new Children();
  const child = children.spawn("logger", "sh", ["-c", "echo up >&2; exec sleep 30"]);
  await child.waitForOutput(/^up$/, 1, 5_000, "stderr");
  assert.deepEqual(children.runningPids(), [child.pid]);
  await child.stop();
  assert.deepEqual(children.runningPids(), []);
});

Deno.test("freePort() gives a port on 127.0.0.1 that can be bound", () => {
  const port = freePort();
  using listener = Deno.listen({ hostname: "127.0.0.1", port });
  assert.equal((listener.addr as Deno.NetAddr).port, port);
});
