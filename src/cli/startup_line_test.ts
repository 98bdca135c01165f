import assert from "node:assert/strict";
import { startupLine } from "./startup_line.ts";

const base = { readFile: true, readFolder: false, folder: ".", pollMs: 1000 } as const;

Deno.test("startupLine() says how each kind of config is reloaded with the permissions granted", () => {
  assert.equal(
    startupLine("iaido.yaml", { ...base, format: "yaml" }),
    "config iaido.yaml: reloaded when it changes (watched, polled every 1s) and on SIGHUP",
  );
  assert.match(
    startupLine("iaido.config.ts", { ...base, format: "module", readFile: false }),
    /not reloaded; run with --allow-read=\. to reload it/,
  );
  assert.match(
    startupLine("iaido.config.ts", { ...base, format: "module" }),
    /re-read only with --allow-read=\.$/,
  );
  assert.match(
    startupLine("iaido.config.ts", { ...base, format: "module", readFolder: true, pollMs: 0 }),
    /^config iaido\.config\.ts: reloaded with the modules it imports when it changes \(watched\) and on SIGHUP$/,
  );
});
