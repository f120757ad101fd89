import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { tempDir } from "../../../../test/support/tempdir.ts";
import { cniConflist, writeCniConflist } from "./cni.ts";

const options = { name: "skiff", bridge: "skiff0", podCidr: "10.42.0.0/24", ipamDataDir: "/d/ipam" };

test("the conflist chains bridge (own name, host-local over the pod CIDR) and portmap", () => {
  assert.deepEqual(cniConflist(options), {
    cniVersion: "1.0.0",
    name: "skiff",
    plugins: [
      {
        type: "bridge",
        bridge: "skiff0",
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: {
          type: "host-local",
          ranges: [[{ subnet: "10.42.0.0/24" }]],
          routes: [{ dst: "0.0.0.0/0" }],
          dataDir: "/d/ipam",
        },
      },
      { type: "portmap", capabilities: { portMappings: true }, snat: true },
    ],
  });
});

test("writeCniConflist replaces the file atomically and refuses bridge names Linux cannot hold", () => {
  const dir = tempDir();
  try {
    const path = writeCniConflist(`${dir.path}/net.d`, options);
    writeCniConflist(`${dir.path}/net.d`, { ...options, podCidr: "10.42.1.0/24" });
    assert.deepEqual(readdirSync(`${dir.path}/net.d`), ["10-skiff.conflist"]);
    assert.match(readFileSync(path, "utf8"), /10\.42\.1\.0\/24/);
    assert.throws(
      () => writeCniConflist(dir.path, { ...options, bridge: "a-very-long-bridge" }),
      /15 characters/,
    );
  } finally {
    dir.remove();
  }
});
