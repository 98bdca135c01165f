import assert from "node:assert/strict";
import { parseYaml } from "./yaml.ts";
import { bootstrapConfig, parseBinding, renderModule, renderYaml } from "./bootstrap.ts";
import { validateConfig } from "./validate.ts";

Deno.test("parseBinding() reads localPort:remoteHost:remotePort, IPv6 in brackets", () => {
  assert.deepEqual(parseBinding("26257:db1:26258"), {
    localPort: 26257,
    remoteHost: "db1",
    remotePort: 26258,
    tier: "",
  });
  assert.deepEqual(parseBinding("80:[::1]:8080@us-east"), {
    localPort: 80,
    remoteHost: "::1",
    remotePort: 8080,
    tier: "us-east",
  });
});

Deno.test("parseBinding() explains a malformed binding", () => {
  assert.match(parseBinding("26257:db1") as string, /must be localPort:remoteHost:remotePort/);
  assert.match(parseBinding("70000:db1:1") as string, /ports 0-65535/);
  assert.match(parseBinding("1:bad_host!:2") as string, /remote host must be a host name/);
  assert.match(parseBinding("1:db:2@us east") as string, /the tier after @ must be a name/);
});

Deno.test("bootstrapConfig() writes named tiers in the order they were first mentioned", () => {
  const bindings = [
    "26257:db1.us-east:26257@us-east",
    "26257:db1.us-west:26257@us-west",
    "26257:db2.us-east:26257@us-east",
    "8080:web.us-west:80@us-west",
    "8080:web.us-east:80@us-east",
  ].map((text) => parseBinding(text) as Exclude<ReturnType<typeof parseBinding>, string>);
  const tiers = bootstrapConfig(bindings, "127.0.0.1").frontends.map((frontend) =>
    frontend.backendPool.tiers
  );
  assert.deepEqual(tiers, [
    [
      { name: "us-east", targets: [{ hosts: ["db1.us-east", "db2.us-east"], port: 26257 }] },
      { name: "us-west", targets: [{ hosts: ["db1.us-west"], port: 26257 }] },
    ],
    [
      { name: "us-east", targets: [{ hosts: ["web.us-east"], port: 80 }] },
      { name: "us-west", targets: [{ hosts: ["web.us-west"], port: 80 }] },
    ],
  ]);
});

Deno.test("bootstrapConfig() groups by local port, then by remote port", () => {
  const bindings = ["26257:a:26258", "26257:b:26258", "26257:c:26259", "8080:a:8081"].map(
    (text) => parseBinding(text) as Exclude<ReturnType<typeof parseBinding>, string>,
  );
  const config = bootstrapConfig(bindings, "127.0.0.1");
  assert.deepEqual(config, {
    diagAddr: "127.0.0.1:13013",
    frontends: [
      {
        bindAddress: "127.0.0.1:26257",
        backendPool: {
          tiers: [{ targets: [{ hosts: ["a", "b"], port: 26258 }, { hosts: ["c"], port: 26259 }] }],
        },
      },
      {
        bindAddress: "127.0.0.1:8080",
        backendPool: { tiers: [{ targets: [{ hosts: ["a"], port: 8081 }] }] },
      },
    ],
  });
  assert.deepEqual(validateConfig(yamlValue(renderYaml(config))), validateConfig(config));
});

Deno.test("renderModule() writes a typed module importing defineConfig", () => {
  const text = renderModule(bootstrapConfig([], "127.0.0.1"), "../mod.ts");
  assert.match(text, /^import \{ defineConfig \} from "\.\.\/mod\.ts";/);
  assert.match(text, /export default defineConfig\(\{/);
});

function yamlValue(text: string): unknown {
  const parsed = parseYaml(text);
  if ("problems" in parsed) throw new Error(JSON.stringify(parsed.problems));
  return parsed.value;
}
