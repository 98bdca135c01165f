import assert from "node:assert/strict";
import { missingToolLine, sharedTool, sharedToolsDir } from "./shared_tools.ts";

Deno.test("sharedTool() finds nothing in a folder without the program", () => {
  const dir = Deno.makeTempDirSync();
  const previous = Deno.env.get("IAIDO_SHARED_TOOLS");
  Deno.env.set("IAIDO_SHARED_TOOLS", dir);
  try {
    assert.equal(sharedToolsDir(), dir);
    assert.equal(sharedTool("iaido-go"), undefined);
    assert.match(
      missingToolLine("iaido-go"),
      /skipped: iaido-go not found in .*IAIDO_SHARED_TOOLS/,
    );
    Deno.writeTextFileSync(`${dir}/iaido-go`, "#!/bin/sh\n");
    Deno.chmodSync(`${dir}/iaido-go`, 0o755);
    assert.equal(sharedTool("iaido-go"), `${dir}/iaido-go`);
  } finally {
    if (previous === undefined) Deno.env.delete("IAIDO_SHARED_TOOLS");
    else Deno.env.set("IAIDO_SHARED_TOOLS", previous);
    Deno.removeSync(dir, { recursive: true });
  }
});
