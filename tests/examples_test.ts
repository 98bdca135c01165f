/**
 * Every example config passes `--check`, including the one inside the
 * Kubernetes ConfigMap, and the typed one passes `deno check`.
 */

import assert from "node:assert/strict";
import { parseYaml } from "../src/config/mod.ts";
import { runCli } from "../src/testing/mod.ts";
import { writeConfig } from "./helpers.ts";

const CONFIG_DIR = new URL("../config/", import.meta.url).pathname;

for (const name of ["iaido.yaml", "iaido.config.ts", "multi-region.yaml", "demo.config.ts"]) {
  Deno.test(`config/${name} passes --check`, async () => {
    const file = `${CONFIG_DIR}${name}`;
    const { code, stdout, stderr } = await runCli(["-c", file, "--check"], {
      permissions: ["--allow-net", `--allow-read=${file}`],
    });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /frontends:/);
  });
}

Deno.test("the Kubernetes ConfigMap's iaido.yaml passes --check", async () => {
  const manifest = parseYaml(await Deno.readTextFile(`${CONFIG_DIR}k8s/iaido-configmap.yaml`));
  assert.ok("value" in manifest);
  const text = (manifest.value as { data: Record<string, string> }).data["iaido.yaml"];
  assert.ok(text);
  const file = await writeConfig(text, "iaido.yaml");
  const { code, stderr } = await runCli(["-c", file, "--check"]);
  assert.equal(code, 0, stderr);
});

Deno.test("the Kubernetes probes reach the ConfigMap's healthAddr on the pod IP, not diagAddr", async () => {
  const configMap = parseYaml(await Deno.readTextFile(`${CONFIG_DIR}k8s/iaido-configmap.yaml`));
  assert.ok("value" in configMap);
  const config = parseYaml(
    (configMap.value as { data: Record<string, string> }).data["iaido.yaml"] ?? "",
  );
  assert.ok("value" in config);
  const { healthAddr, diagAddr } = config.value as { healthAddr: string; diagAddr: string };
  assert.match(healthAddr, /^:\d+$/, "healthAddr listens on every interface, so on the pod IP");
  const deployment = parseYaml(await Deno.readTextFile(`${CONFIG_DIR}k8s/app-with-sidecar.yaml`));
  assert.ok("value" in deployment);
  type Probe = { httpGet: { path: string; port: number; host?: string } };
  type Container = { name: string; readinessProbe: Probe; livenessProbe: Probe };
  const iaido = (deployment.value as { spec: { template: { spec: { containers: Container[] } } } })
    .spec.template.spec.containers.find((c) => c.name === "iaido");
  for (const probe of [iaido?.readinessProbe, iaido?.livenessProbe]) {
    assert.equal(probe?.httpGet.host, undefined, "a host would be resolved on the node");
    assert.equal(`:${probe?.httpGet.port}`, healthAddr);
    assert.notEqual(`:${probe?.httpGet.port}`, diagAddr.slice(diagAddr.lastIndexOf(":")));
  }
});

Deno.test("the typed example configs pass deno check", async () => {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["check", `${CONFIG_DIR}iaido.config.ts`, `${CONFIG_DIR}demo.config.ts`],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
});
