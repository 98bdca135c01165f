import assert from "node:assert/strict";
import { COPY_PROXY_BINARY, copyProxyArgs, copyProxyProblem } from "./copy_proxy.ts";

Deno.test("copyProxyProblem() says why the C floor cannot run: not built, or older than its source", () => {
  assert.equal(copyProxyProblem({ binary: 2000, source: 1000 }), undefined);
  assert.equal(copyProxyProblem({ binary: 1000, source: 1000 }), undefined);
  assert.equal(
    copyProxyProblem({ binary: undefined, source: 1000 }),
    `${COPY_PROXY_BINARY} is not built (bench/install.sh builds it with gcc)`,
  );
  assert.match(
    copyProxyProblem({ binary: 999, source: 1000 }) ?? "",
    /is older than bench\/reference\/copy_proxy\.c \(bench\/install\.sh builds it/,
  );
});

Deno.test("copyProxyArgs() gives one route per backend, in order, each on 127.0.0.1:0", () => {
  assert.deepEqual(
    copyProxyArgs([{ name: "redis", backendPort: 7000 }, { name: "iperf3", backendPort: 7001 }]),
    ["127.0.0.1:0=127.0.0.1:7000", "127.0.0.1:0=127.0.0.1:7001"],
  );
});
