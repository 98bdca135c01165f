import assert from "node:assert/strict";
import { startSidecar } from "../../mod.ts";
import { connectIdentified, refusedPort, startTestServer, waitFor } from "../testing/mod.ts";
import { parseYaml } from "../config/mod.ts";
import { parseExposition } from "./exposition_parse.ts";
import type { Status } from "./status.ts";
import { createDiagHandler, createHealthHandler, type DiagSource } from "./handler.ts";

const get = (handler: (request: Request) => Response, path: string, method = "GET") =>
  handler(new Request(`http://diag${path}`, { method }));

Deno.test("diagnostics explain a spill: status, decisions, metrics and config, without a socket", async () => {
  await using home = startTestServer("home", { greeting: "home" });
  await using far = startTestServer("far", { greeting: "far" });
  await using sidecar = await startSidecar({
    frontends: [{
      name: "db",
      bindAddress: "127.0.0.1:0",
      backendPool: {
        tiers: [
          {
            name: "home",
            maxBackendConnections: 1,
            targets: [{ hosts: ["127.0.0.1"], port: home.port }],
          },
          { name: "far", targets: [{ hosts: ["127.0.0.1"], port: far.port }] },
        ],
      },
    }],
  }, { version: "9.9.9" });
  const handler = sidecar.diagHandler;
  const address = sidecar.frontends[0]?.address as string;
  using first = await connectIdentified(address);
  using second = await connectIdentified(address);
  assert.deepEqual([first.name, second.name], ["home", "far"]);

  assert.equal(await get(handler, "/healthz").text(), "OK\n");
  assert.equal(get(handler, "/readyz").status, 200);

  const status = await get(handler, "/statusz").json() as Status;
  assert.equal(status.version, "9.9.9");
  assert.equal(status.configGeneration, 1);
  const [homeTier, farTier] = status.frontends[0]?.tiers ?? [];
  assert.equal(homeTier?.backends[0]?.reason, "full 1/1");
  assert.equal(homeTier?.backends[0]?.eligible, false);
  assert.match(farTier?.backends[0]?.reason ?? "", /^eligible, load 1$/);
  assert.equal(status.frontends[0]?.activeSessions, 2);
  const spill = status.decisions.find((d) => d.kind === "spill");
  assert.match(spill?.reason ?? "", /new sessions go to far: 127\.0\.0\.1:\d+ full 1\/1/);

  const yamlStatus = parseYaml(await get(handler, "/statusz?format=yaml").text());
  assert.ok("value" in yamlStatus);
  assert.equal((yamlStatus.value as Status).frontends[0]?.name, "db");

  const configz = await get(handler, "/configz").json() as { config: unknown; defaults: string[] };
  assert.ok(configz.defaults.includes("frontends[0].idleDuration"));
  assert.ok(!configz.defaults.includes("frontends[0].name"));
  assert.match(await get(handler, "/configz?format=yaml").text(), /idleDuration: 1h0m0s # default/);

  const metrics = await get(handler, "/metrics");
  assert.equal(metrics.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const families = parseExposition(await metrics.text());
  const active = families.get("iaido_backend_sessions_active")?.samples.map((
    s,
  ) => [s.labels["tier"], s.value]);
  assert.deepEqual(active, [["home", 1], ["far", 1]]);
  assert.equal(families.get("iaido_frontend_sessions_total")?.type, "counter");
  assert.equal(families.get("iaido_dial_duration_seconds")?.type, "histogram");
  assert.equal(families.get("iaido_config_generation")?.samples[0]?.value, 1);

  assert.match(await get(handler, "/").text(), /<title>iaido<\/title>/);
  assert.equal(get(handler, "/nope").status, 404);
  assert.equal(get(handler, "/statusz", "POST").status, 405);
});

Deno.test("diagnostics: /readyz is 503 with the reason when no backend can take a session", async () => {
  await using sidecar = await startSidecar({
    frontends: [{
      name: "db",
      bindAddress: "127.0.0.1:0",
      backendPool: { tiers: [{ targets: [{ hosts: ["127.0.0.1"], port: refusedPort() }] }] },
    }],
  });
  const conn = await Deno.connect({
    hostname: "127.0.0.1",
    port: Number(sidecar.frontends[0]?.address.split(":")[1]),
  });
  try {
    await waitFor(() => get(sidecar.diagHandler, "/readyz").status === 503, {
      message: "not ready",
    });
    assert.match(
      await get(sidecar.diagHandler, "/readyz").text(),
      /^not ready: db: no eligible backend \(127\.0\.0\.1:\d+ disabled until/,
    );
    const families = parseExposition(await get(sidecar.diagHandler, "/metrics").text());
    const failures = families.get("iaido_backend_dial_failures_total")?.samples[0];
    assert.equal(failures?.labels["kind"], "refused");
    assert.ok((failures?.value ?? 0) >= 1);
  } finally {
    conn.close();
  }
});

Deno.test("every diagnostics answer carries the CSP and refuses framing, errors included", () => {
  const handler = createDiagHandler(emptySource);
  for (
    const [path, method] of [["/", "GET"], ["/healthz", "HEAD"], ["/nope", "GET"], ["/", "POST"]]
  ) {
    const response = get(handler, path as string, method);
    const csp = response.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'none'/, `${method} ${path}`);
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/]+=*'/, `${method} ${path}`);
    assert.match(csp, /frame-ancestors 'none'/, `${method} ${path}`);
    assert.equal(response.headers.get("x-frame-options"), "DENY", `${method} ${path}`);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff", `${method} ${path}`);
  }
});

Deno.test("the health handler answers the two probes and nothing else", async () => {
  const handler = createHealthHandler(emptySource);
  assert.equal(await get(handler, "/healthz").text(), "ok\n");
  assert.equal(await get(handler, "/readyz").text(), "ready\n");
  for (const path of ["/statusz", "/configz", "/metrics", "/"]) {
    assert.equal(get(handler, path).status, 404, path);
  }
  assert.equal(get(handler, "/readyz", "POST").status, 405);
});

const emptySource: DiagSource = {
  status: () => ({ frontends: [], notReady: [] }) as unknown as Status,
  metrics: () => "",
  configz: () => ({ config: {}, defaults: [] }),
  configzYaml: () => "",
};
