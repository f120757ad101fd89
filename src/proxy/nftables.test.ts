import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import type { ServicePort } from "./model.ts";
import { NftablesPlanner, runNft } from "./nftables.ts";

function port(i: number, endpoints: number, extra: Partial<ServicePort> = {}): ServicePort {
  const eps = Array.from({ length: endpoints }, (_, j) => ({
    ip: `10.42.${i}.${j + 1}`,
    port: 8080,
    local: j === 0,
  }));
  return {
    id: `ns/svc-${i}:http/tcp`,
    namespace: "ns",
    name: `svc-${i}`,
    protocol: "tcp",
    clusterIPs: [`10.43.0.${i}`],
    port: 80,
    nodePort: 0,
    loadBalancerIPs: [],
    clusterEndpoints: eps,
    externalEndpoints: eps,
    affinitySeconds: 0,
    externalLocal: false,
    ...extra,
  };
}

test("an unchanged state plans nothing; a change touches only its service port", () => {
  const planner = new NftablesPlanner({ table: "t" });
  const ports = [port(1, 2), port(2, 3)];
  assert.match(planner.plan(ports), /^add table ip t\ndelete table ip t\ntable ip t \{/);
  planner.commit();
  assert.equal(planner.plan(ports), "");
  planner.commit();
  const script = planner.plan([port(1, 2), port(2, 1)]);
  assert.doesNotMatch(script, /10\.42\.1\./);
  assert.match(script, /flush chain ip t svc-/);
  planner.commit();
  planner.reset();
  assert.match(planner.plan([port(1, 2)]), /^add table ip t/);
});

/** The table as nft prints it, lines sorted (element order is the kernel's). */
function listed(ns: string, table: string): string[] {
  const text = execFileSync("ip", ["netns", "exec", ns, "nft", "list", "table", "ip", table], {
    encoding: "utf8",
  });
  return text
    .split(/[\n,{}]/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("table ip"))
    .sort();
}

test("incremental transactions reach exactly the table a full install builds", async () => {
  const ns = `skiff-nft-${randomBytes(3).toString("hex")}`;
  execFileSync("ip", ["netns", "add", ns]);
  const nft = ["ip", "netns", "exec", ns, "nft"];
  try {
    const steps: ServicePort[][] = [
      [port(1, 3), port(2, 2, { nodePort: 30002 }), port(3, 2, { affinitySeconds: 30 })],
      [port(1, 2), port(2, 0, { nodePort: 30002 }), port(3, 3, { affinitySeconds: 30 }), port(4, 1)],
      [port(1, 2, { affinitySeconds: 60 }), port(4, 1)],
      [],
    ];
    const incremental = new NftablesPlanner({ table: "inc", clusterCidr: "10.42.0.0/16" });
    for (const ports of steps) {
      await runNft(incremental.plan(ports), nft);
      incremental.commit();
      const full = new NftablesPlanner({ table: "full", clusterCidr: "10.42.0.0/16" });
      await runNft(full.plan(ports), nft);
      assert.deepEqual(listed(ns, "inc"), listed(ns, "full"));
    }
  } finally {
    execFileSync("ip", ["netns", "del", ns]);
  }
});
