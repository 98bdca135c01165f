import assert from "node:assert/strict";
import { validateConfig } from "../config/mod.ts";
import type { BackendSpec } from "../pool/mod.ts";
import { loadProtocolSettings } from "./protocol_settings.ts";

const pool = { tiers: [{ targets: [{ hosts: ["db.internal"], port: 5432 }] }] };
const backend: BackendSpec = {
  key: "10.0.0.1:5432",
  hostname: "10.0.0.1",
  port: 5432,
  tier: 0,
  tierName: "home",
  maxConnections: 0,
  dialTimeoutMs: 1000,
  configDisabled: false,
  hostName: "db.internal",
};

function frontend(options: Record<string, unknown>, protocol = "postgres") {
  const config = validateConfig({ frontends: [{ protocol, ...options, backendPool: pool }] });
  return config.frontends[0]!;
}

Deno.test("loadProtocolSettings: none for tcp", async () => {
  assert.equal(await loadProtocolSettings(frontend({}, "tcp")), undefined);
});

Deno.test("loadProtocolSettings: TLS names the target's host unless serverName is set", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/ca.pem`, "-----BEGIN CERTIFICATE-----\n");
    const tls = { caCerts: [`${dir}/ca.pem`] };
    const byHost = await loadProtocolSettings(frontend({ postgres: { tls } }));
    assert.deepEqual(byHost?.tlsFor(backend), {
      mode: "verify-full",
      caCerts: ["-----BEGIN CERTIFICATE-----\n"],
      serverName: "db.internal",
    });
    const named = await loadProtocolSettings(
      frontend({ postgres: { tls: { ...tls, mode: "require", serverName: "pg.example" } } }),
    );
    assert.equal(named?.tlsFor(backend)?.serverName, "pg.example");
    const off = await loadProtocolSettings(frontend({ postgres: { tls: { mode: "disable" } } }));
    assert.equal(off?.tlsFor(backend), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadProtocolSettings: an unreadable CA file and an unset variable are problems, not crashes", async () => {
  const settings = await loadProtocolSettings(frontend({
    postgres: {
      tls: { caCerts: ["/nonexistent/ca.pem"] },
      passwordEnv: "IAIDO_TEST_UNSET_VARIABLE",
    },
  }));
  assert.match(settings?.tlsProblem ?? "", /cannot read the CA file \/nonexistent\/ca.pem/);
  assert.deepEqual(settings?.password(), {
    problem: "the environment variable IAIDO_TEST_UNSET_VARIABLE is not set",
  });
});

Deno.test("loadProtocolSettings: the password from the config or the environment", async () => {
  const inline = await loadProtocolSettings(frontend({ redis: { password: "pw" } }, "redis"));
  assert.deepEqual(inline?.password(), { value: "pw" });
  Deno.env.set("IAIDO_TEST_REDIS_PASSWORD", "from-env");
  try {
    const fromEnv = await loadProtocolSettings(
      frontend({ redis: { passwordEnv: "IAIDO_TEST_REDIS_PASSWORD" } }, "redis"),
    );
    assert.deepEqual(fromEnv?.password(), { value: "from-env" });
  } finally {
    Deno.env.delete("IAIDO_TEST_REDIS_PASSWORD");
  }
  const none = await loadProtocolSettings(frontend({}, "redis"));
  assert.deepEqual(none?.password(), {});
});
