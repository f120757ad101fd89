// CNI against the real plugins in /usr/lib/cni: the conflist's shape, ADD giving a namespace an IP
// from the pod CIDR, portmap rules only when the sandbox maps ports, and DEL releasing all of it.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { after, test } from "node:test";
import { tempDir } from "../../../test/support/tempdir.ts";
import { buildConfList, CniNetwork, NetworkNotReadyError } from "./cni.ts";
import { createNetns, deleteNetns, netnsPath } from "./netns.ts";

const tag = randomBytes(3).toString("hex");
const dir = tempDir("skiff-cni-");
const network = new CniNetwork({ bridge: `skr${tag}`, networkName: `skr-cni-${tag}`, stateDir: dir.path });
const namespaces: string[] = [];

after(async () => {
  // DEL is idempotent: run it again so a failed assertion above leaves no rule or lease behind.
  if (network.ready) for (const ns of namespaces) await network.del(ns, netnsPath(ns)).catch(() => {});
  for (const ns of namespaces) await deleteNetns(ns);
  assert.deepEqual(rulesOf(`skr-cni-${tag}`), []);
  await network.removeBridge();
  assert.equal(existsSync(`/sys/class/net/skr${tag}`), false);
  dir.remove();
});

function rulesOf(id: string): string[] {
  return execFileSync("iptables-save", { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.includes(id));
}

test("the conflist is bridge + host-local from the pod CIDR, then portmap", () => {
  const list = buildConfList({ name: "n", bridge: "b0", podCidr: "10.202.7.0/24", ipamDir: "/x" });
  assert.deepEqual(
    list.plugins.map((p) => p.type),
    ["bridge", "portmap"],
  );
  assert.deepEqual(list.plugins[0]?.ipam, {
    type: "host-local",
    ranges: [[{ subnet: "10.202.7.0/24" }]],
    routes: [{ dst: "0.0.0.0/0" }],
    dataDir: "/x",
  });
});

test("ADD before a pod CIDR is refused; ADD/DEL attach and release a namespace", async () => {
  await assert.rejects(network.add("x", "/run/netns/x"), NetworkNotReadyError);
  const third = 1 + ((randomBytes(1)[0] ?? 0) % 250);
  await network.configure(`10.202.${third}.0/24`);
  const plain = `skr-cni-${tag}-a`;
  const mapped = `skr-cni-${tag}-b`;
  namespaces.push(plain, mapped);
  await createNetns(plain);
  await createNetns(mapped);

  const a = await network.add(plain, netnsPath(plain));
  assert.match(a.ip, new RegExp(`^10\\.202\\.${third}\\.\\d+$`));
  const addr = execFileSync("ip", ["-n", plain, "-4", "-o", "addr", "show", "eth0"], { encoding: "utf8" });
  assert.match(addr, new RegExp(`inet ${a.ip.replaceAll(".", "\\.")}/24`));
  assert.ok(rulesOf(plain).length > 0, "ipMasq rules for the sandbox");
  assert.equal(
    rulesOf(plain).filter((r) => r.includes("DNAT")).length,
    0,
    "no portmap rules without port mappings",
  );

  const b = await network.add(mapped, netnsPath(mapped), [
    { protocol: "TCP", containerPort: 80, hostPort: 40_000 + third },
  ]);
  assert.notEqual(b.ip, a.ip);
  assert.ok(
    rulesOf(mapped).some((r) => r.includes(`--dports ${40_000 + third}`)),
    "portmap DNAT rule",
  );

  for (const ns of [plain, mapped]) {
    await network.del(ns, netnsPath(ns));
    await network.del(ns, netnsPath(ns)); // idempotent
    assert.deepEqual(rulesOf(ns), []);
  }
  const leases = readdirSync(`${dir.path}/ipam/skr-cni-${tag}`).filter((f) => /^\d/.test(f));
  assert.deepEqual(leases, []);
});
