// The sandbox's generated hosts, resolv.conf and hostname files.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, test } from "node:test";
import { tempDir } from "../../../../test/support/tempdir.ts";
import { hostsFile, resolvConf, writeSandboxFiles } from "./sandbox-files.ts";

const dir = tempDir();
after(() => dir.remove());

test("hosts names the pod at its IP; resolv.conf follows the DNS config", async () => {
  assert.match(hostsFile("web", "10.0.0.5"), /^127\.0\.0\.1\tlocalhost$/m);
  assert.match(hostsFile("web", "10.0.0.5"), /^10\.0\.0\.5\tweb$/m);
  assert.doesNotMatch(hostsFile("web", ""), /\tweb$/m);
  assert.equal(
    resolvConf({
      servers: ["10.96.0.10"],
      searches: ["default.svc.cluster.local", "svc.cluster.local"],
      options: ["ndots:5"],
    }),
    "nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local\noptions ndots:5\n",
  );
  const files = await writeSandboxFiles({
    dir: dir.path,
    hostname: "web",
    ip: "10.0.0.5",
    dnsConfig: { servers: ["1.1.1.1"], searches: [], options: [] },
  });
  assert.equal(readFileSync(files.hostname, "utf8"), "web\n");
  assert.equal(readFileSync(files.resolvConf, "utf8"), "nameserver 1.1.1.1\n");
});
