import assert from "node:assert/strict";
import { parseCommandLine, UsageError } from "./args.ts";

Deno.test("parseCommandLine() leaves the config to discovery by default; -b writes iaido.yaml", () => {
  assert.deepEqual(parseCommandLine([]), {
    kind: "run",
    file: undefined,
    reloadPeriodMs: 1000,
    logFormat: "text",
    logLevel: "info",
  });
  assert.equal((parseCommandLine(["-b", "1:a:2"]) as { file: string }).file, "iaido.yaml");
});

Deno.test("parseCommandLine() reads Iaido's flags, Go single-dash form included", () => {
  assert.deepEqual(
    parseCommandLine([
      "-c",
      "x.ts",
      "-b",
      "1:a:2",
      "--bootstrap=1:b:2",
      "-bootstrapAddr",
      "0.0.0.0",
      "-f",
    ]),
    {
      kind: "bootstrap",
      file: "x.ts",
      bindings: [
        { localPort: 1, remoteHost: "a", remotePort: 2, tier: "" },
        { localPort: 1, remoteHost: "b", remotePort: 2, tier: "" },
      ],
      bindHost: "0.0.0.0",
      force: true,
    },
  );
  assert.deepEqual(parseCommandLine(["-config=y.yaml", "-check"]), {
    kind: "check",
    file: "y.yaml",
  });
  assert.equal(parseCommandLine(["--reloadPeriod", "250ms"]).kind, "run");
  assert.deepEqual(parseCommandLine(["-h"]), { kind: "help" });
  assert.deepEqual(parseCommandLine(["--version"]), { kind: "version" });
});

Deno.test("parseCommandLine() names the flag that is wrong", () => {
  assert.throws(
    () => parseCommandLine(["--nope"]),
    (e: Error) => e instanceof UsageError && /--nope/.test(e.message),
  );
  assert.throws(
    () => parseCommandLine(["--reloadPeriod", "soon"]),
    /--reloadPeriod: not a duration/,
  );
  assert.throws(
    () => parseCommandLine(["-b", "x"]),
    /--bootstrap "x": must be localPort:remoteHost:remotePort/,
  );
  assert.throws(
    () => parseCommandLine(["--log-format", "xml"]),
    /--log-format: must be text or json/,
  );
  assert.throws(() => parseCommandLine(["stray"]), UsageError);
});

Deno.test("parseCommandLine() reads `status [--diag ADDR]`", () => {
  assert.deepEqual(parseCommandLine(["status"]), { kind: "status", diag: "127.0.0.1:13013" });
  assert.deepEqual(parseCommandLine(["status", "--diag", "127.0.0.1:9"]), {
    kind: "status",
    diag: "127.0.0.1:9",
  });
  assert.throws(() => parseCommandLine(["status", "--diag", "nope"]), /--diag: must be host:port/);
});
