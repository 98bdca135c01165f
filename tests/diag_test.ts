/**
 * Diagnostics end to end: the real CLI with a diagAddr, read over HTTP and
 * through `iaido status`, following a failover; JSON access logs.
 */

import assert from "node:assert/strict";
import { connectIdentified, runCli, startTestServer, waitFor } from "../src/testing/mod.ts";
import { parseExposition, type Status } from "../src/diag/mod.ts";
import { startHomeNearWithDiagnostics } from "./helpers.ts";

Deno.test("diagnostics over HTTP and `iaido status` follow a failover", async () => {
  const home = startTestServer("home", { greeting: "home" });
  await using near = startTestServer("near", { greeting: "near" });
  const { cli, address, diag } = await startHomeNearWithDiagnostics(home.port, near.port, [
    "--log-format",
    "json",
  ]);
  await using _cli = cli;
  const health = await fetch(`http://${diag}/healthz`);
  assert.equal(await health.text(), "OK\n");
  {
    using conn = await connectIdentified(address);
    assert.equal(conn.name, "home");
  }
  // The client's close must be seen before home goes, or the session may end as home's close.
  await waitFor(() => /"msg":"session ended"/.test(cli.stderr), {
    message: "the first session's end",
  });
  await home.close();
  using moved = await connectIdentified(address);
  assert.equal(moved.name, "near");
  const status = await (await fetch(`http://${diag}/statusz`)).json() as Status;
  const homeBackend = status.frontends[0]?.tiers[0]?.backends[0];
  assert.equal(homeBackend?.eligible, false);
  assert.match(
    homeBackend?.reason ?? "",
    /^disabled until \d\d:\d\d:\d\d: connection refused ×1$/,
  );
  assert.ok(
    status.decisions.some((d) => d.kind === "failover" && /new sessions go to near/.test(d.reason)),
  );
  const metrics = parseExposition(await (await fetch(`http://${diag}/metrics`)).text());
  assert.ok((metrics.get("iaido_backend_dial_failures_total")?.samples[0]?.value ?? 0) >= 1);

  const table = await runCli(["status", "--diag", diag]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /frontend db .* ready/);
  assert.match(table.stdout, /○ +127\.0\.0\.1:\d+ .*disabled until/);
  assert.match(table.stdout, /failover +db 127\.0\.0\.1:\d+: new sessions go to near/);

  await waitFor(() => /"msg":"session ended"/.test(cli.stderr), {
    message: "a JSON access-log line",
  });
  const line = cli.stderr.split("\n").find((l) => l.includes('"msg":"session ended"')) as string;
  const entry = JSON.parse(line);
  assert.equal(entry.frontend, "db");
  assert.equal(entry.tier, "home");
  assert.equal(entry.how, "client close");
  assert.equal(typeof entry.up, "number");
});

Deno.test("`iaido status` against nothing says what it could not reach, exit 1", async () => {
  const { code, stderr } = await runCli(["status", "--diag", "127.0.0.1:1"]);
  assert.equal(code, 1);
  assert.match(stderr, /cannot read status from http:\/\/127\.0\.0\.1:1\/statusz/);
});
