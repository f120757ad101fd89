import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TestApi } from "../../../test/support/inprocess-api.ts";
import { coreV1Resources } from "../../api/core/index.ts";
import { StoreSource } from "../storage/storesource.ts";
import { parseCidr } from "./cidr.ts";
import { claimsSomething, createServiceAllocator } from "./services.ts";

let api: TestApi;
before(async () => {
  const resources = coreV1Resources;
  // The allocator reads the Services through the same Store the handler writes.
  const holder: { api?: TestApi } = {};
  api = new TestApi({
    resources,
    handler: {
      admission: [
        {
          name: "lazy",
          admit: (attrs) =>
            createServiceAllocator({
              source: new StoreSource((holder.api as TestApi).store),
              serviceCidr: parseCidr("10.43.0.0/29"),
              nodePortRange: { min: 30000, max: 30001 },
            }).admit?.(attrs),
        },
      ],
    },
  });
  holder.api = api;
  await api.seed();
});
after(async () => {
  await api.close();
});

const svc = (name: string, spec: Record<string, unknown>) => ({
  metadata: { name },
  spec: { ports: [{ port: 80 }], ...spec },
});
const post = (body: unknown) => api.request("POST", "/api/v1/namespaces/default/services", body);

test("cluster IPs come from the range, skip reserved addresses and never repeat", async () => {
  const kubernetes = await api.request("GET", "/api/v1/namespaces/default/services/kubernetes");
  const seen = new Set<string>([kubernetes.json.spec.clusterIP]);
  // /29: .1-.6 usable, .1 (and .10, outside) reserved, the seeded service holds one: 4 left.
  for (let i = 0; i < 4; i++) {
    const r = await post(svc(`s${i}`, {}));
    assert.equal(r.status, 201, r.body);
    const ip = r.json.spec.clusterIP as string;
    assert.match(ip, /^10\.43\.0\.[2-6]$/);
    assert.ok(!seen.has(ip));
    seen.add(ip);
    assert.deepEqual(r.json.spec.clusterIPs, [ip]);
  }
  const full = await post(svc("s-full", {}));
  assert.equal(full.status, 422);
  const taken = await post(svc("s-taken", { clusterIP: [...seen][0] }));
  assert.equal(taken.status, 422);
  assert.match(taken.json.message, /provided IP is already allocated/);
  const outside = await post(svc("s-out", { clusterIP: "192.168.1.1" }));
  assert.match(outside.json.message, /not in the valid range/);
  const headless = await post(svc("s-headless", { clusterIP: "None" }));
  assert.equal(headless.json.spec.clusterIP, "None");
  const fixed = await post(svc("s-fixed", { clusterIP: "10.43.0.1" }));
  assert.equal(fixed.status, 201, "reserved addresses are given out when asked for by name");
});

test("node ports are allocated in range with conflict checks", async () => {
  await api.request("DELETE", "/api/v1/namespaces/default/services/s0");
  const a = await post(svc("np-a", { type: "NodePort" }));
  assert.equal(a.status, 201, a.body);
  const port = a.json.spec.ports[0].nodePort as number;
  assert.ok(port === 30000 || port === 30001);
  const clash = await post(svc("np-b", { type: "NodePort", ports: [{ port: 80, nodePort: port }] }));
  assert.equal(clash.status, 422);
  assert.match(clash.json.message, /provided port is already allocated/);
  const range = await post(svc("np-c", { type: "NodePort", ports: [{ port: 80, nodePort: 80 }] }));
  assert.match(range.json.message, /not in the valid range/);
});

test("only writes that allocate or claim an address or port need the Services in use", () => {
  const ip = "10.43.0.5";
  assert.equal(claimsSomething({}, {}), true, "a new ClusterIP service allocates");
  assert.equal(claimsSomething({ clusterIP: "None" }, {}), false);
  assert.equal(claimsSomething({ type: "ExternalName" }, {}), false);
  assert.equal(claimsSomething({ clusterIP: ip }, { clusterIP: ip }), false, "unchanged address");
  assert.equal(claimsSomething({}, { clusterIP: ip }), false, "address carried over on update");
  assert.equal(claimsSomething({ clusterIP: "10.43.0.6" }, { clusterIP: ip }), true);
  const np = { type: "NodePort", clusterIP: ip };
  assert.equal(claimsSomething({ ...np, ports: [{ port: 80 }] }, { clusterIP: ip }), true);
  assert.equal(
    claimsSomething(
      { ...np, ports: [{ port: 80, nodePort: 30000 }] },
      { clusterIP: ip, ports: [{ nodePort: 30000 }] },
    ),
    false,
  );
  assert.equal(
    claimsSomething(
      { ...np, ports: [{ port: 80, nodePort: 30001 }] },
      { clusterIP: ip, ports: [{ nodePort: 30000 }] },
    ),
    true,
  );
});
