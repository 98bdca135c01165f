import assert from "node:assert/strict";
import { allowedNames, hostOfHeader, isAllowedHost, withHostCheck } from "./host_check.ts";

Deno.test("hostOfHeader() drops the port, brackets, trailing dot and case", () => {
  assert.equal(hostOfHeader("127.0.0.1:13013"), "127.0.0.1");
  assert.equal(hostOfHeader("[::1]:13013"), "::1");
  assert.equal(hostOfHeader("[::1]"), "::1");
  assert.equal(hostOfHeader("LocalHost."), "localhost");
  assert.equal(hostOfHeader("pod.ns.svc:80"), "pod.ns.svc");
});

Deno.test("IP literals, localhost and listed names pass; any other name is refused", () => {
  const names = allowedNames("iaido.internal", ["Sidecar.Example"]);
  for (const header of ["127.0.0.1:13013", "[::1]:1", "10.1.2.3", "localhost:13013", null]) {
    assert.ok(isAllowedHost(header, names), String(header));
  }
  for (const header of ["sidecar.example", "iaido.internal:13013"]) {
    assert.ok(isAllowedHost(header, names), header);
  }
  for (const header of ["evil.example", "127.0.0.1.evil.example", "localhost.evil.example", ""]) {
    assert.ok(!isAllowedHost(header, names), header);
  }
});

Deno.test("withHostCheck() answers a rebinding page's request with 403 naming the setting", async () => {
  const handler = withHostCheck(() => new Response("secret"), allowedNames("127.0.0.1", []));
  const ok = handler(new Request("http://x/", { headers: { host: "127.0.0.1:13013" } }));
  assert.equal(await ok.text(), "secret");
  const refused = handler(new Request("http://x/", { headers: { host: "evil.example:13013" } }));
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /"evil\.example:13013" .*diagAllowedHosts/);
});
