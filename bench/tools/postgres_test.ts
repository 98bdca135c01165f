import assert from "node:assert/strict";
import { newestVersionDir, passwdIds, postgresServerArgs } from "./postgres.ts";

Deno.test("newestVersionDir() takes the highest numbered version", () => {
  assert.equal(newestVersionDir(["13", "15", "9.6", "common"]), "/usr/lib/postgresql/15/bin");
  assert.equal(newestVersionDir(["common"]), undefined);
});

Deno.test("passwdIds() finds a user's uid and gid", () => {
  const passwd =
    "root:x:0:0:root:/root:/bin/bash\npostgres:x:101:104::/var/lib/postgresql:/bin/bash\n";
  assert.deepEqual(passwdIds(passwd, "postgres"), { uid: 101, gid: 104 });
  assert.equal(passwdIds(passwd, "nobody"), undefined);
});

Deno.test("postgresServerArgs() listens on 127.0.0.1 only, on the given port", () => {
  const args = postgresServerArgs("/t/data", "/t", 5555);
  assert.deepEqual(args.slice(0, 2), ["-D", "/t/data"]);
  assert.ok(args.includes("listen_addresses=127.0.0.1"));
  assert.ok(args.includes("port=5555"));
  assert.ok(args.includes("unix_socket_directories=/t"));
});
