import assert from "node:assert/strict";
import { childProcesses } from "./run_scenario.ts";
import { waitFor } from "../src/testing/mod.ts";

Deno.test("childProcesses() finds a live child and forgets it once it has exited", async () => {
  const child = new Deno.Command("sleep", { args: ["30"], stdout: "null", stderr: "null" })
    .spawn();
  try {
    const found = await childProcesses(Deno.pid);
    assert.ok(found.some((line) => line === `${child.pid} sleep`), found.join("; "));
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
  await waitFor(
    async () => !(await childProcesses(Deno.pid)).some((l) => l.startsWith(`${child.pid} `)),
    {
      message: "the child to be gone",
    },
  );
});
