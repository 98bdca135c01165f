import assert from "node:assert/strict";
import { discoverConfig, type DiscoveryProbes, type Presence } from "./discover.ts";

function probes(files: Record<string, Presence>, readable: boolean): DiscoveryProbes {
  return {
    canRead: () => readable,
    isFile: (path) => files[path.slice(path.lastIndexOf("/") + 1)] === "present",
    tryImport: (path) => Promise.resolve(files[path.slice(path.lastIndexOf("/") + 1)] ?? "absent"),
  };
}

Deno.test("discoverConfig() prefers iaido.config.ts, then .js, then iaido.yaml/.yml/.json", async () => {
  const all = {
    "iaido.config.ts": "present",
    "iaido.config.js": "present",
    "iaido.yaml": "present",
  } as const;
  assert.equal(await discoverConfig("/d", probes(all, true)), "iaido.config.ts");
  assert.equal(
    await discoverConfig("/d", probes({ "iaido.yml": "present", "iaido.json": "present" }, true)),
    "iaido.yml",
  );
  assert.equal(await discoverConfig("/d", probes({}, true)), undefined);
});

Deno.test("discoverConfig() without read permission: imports a module, else trusts iaido.yaml", async () => {
  assert.equal(
    await discoverConfig("/d", probes({ "iaido.config.js": "present" }, false)),
    "iaido.config.js",
  );
  assert.equal(await discoverConfig("/d", probes({}, false)), "iaido.yaml");
  assert.equal(
    await discoverConfig("/d", probes({ "iaido.config.ts": "unknown" }, false)),
    "iaido.yaml",
    "a module that cannot be imported without permission is not assumed",
  );
});
