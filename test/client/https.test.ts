// The REST client, an informer, leader election and events over real HTTPS against a
// `skiff server` child process, authenticating with the admin kubeconfig's client certificate;
// once over HTTP/1.1 (HttpsTransport) and once over HTTP/2 (Http2Transport), same server.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { ConfigMap, Event } from "kubernetes-types/core/v1.js";
import { leases } from "../../src/api/coordination/lease.ts";
import { configMaps, events } from "../../src/api/core/index.ts";
import { NotFoundError, UnauthorizedError } from "../../src/api/errors.ts";
import { EventRecorder } from "../../src/client/events.ts";
import { Http2Transport } from "../../src/client/http2-transport.ts";
import { HttpsTransport } from "../../src/client/https-transport.ts";
import { Informer } from "../../src/client/informer/informer.ts";
import { loadKubeconfig } from "../../src/client/kubeconfig.ts";
import { LeaderElector } from "../../src/client/leaderelection.ts";
import { RestClient } from "../../src/client/rest.ts";
import { SkiffServer } from "../support/skiff-server.ts";
import { eventually } from "./gated-transport.ts";

const server = new SkiffServer();
before(() => server.start());
after(() => server.stop());

for (const wire of ["HTTP/1.1", "HTTP/2"] as const)
  describe(`client over HTTPS (${wire})`, () => {
    const n = wire === "HTTP/2" ? "h2" : "h1";
    let client: RestClient;
    before(() => {
      const connection = loadKubeconfig(server.kubeconfig);
      client = new RestClient({
        transport:
          wire === "HTTP/2" ? new Http2Transport({ connection }) : new HttpsTransport({ connection }),
      });
    });
    after(() => client.close());

    it("does CRUD with typed errors", async () => {
      const cms = client.resource<ConfigMap>(configMaps);
      await cms.create({ metadata: { name: `h-${n}`, namespace: "default" }, data: { k: "ü-utf8" } });
      const got = await cms.get(`h-${n}`, { namespace: "default" });
      assert.equal(got.data?.k, "ü-utf8");
      await cms.patch(`h-${n}`, { data: { k2: "v" } }, { type: "strategic", namespace: "default" });
      await cms.delete(`h-${n}`, { namespace: "default" });
      await assert.rejects(cms.get(`h-${n}`, { namespace: "default" }), NotFoundError);
    });

    it("rejects a client without credentials with UnauthorizedError", async () => {
      const { server: url, ca } = loadKubeconfig(server.kubeconfig);
      const connection = { server: url, namespace: "default", ...(ca ? { ca } : {}) };
      const anon = new RestClient({
        transport:
          wire === "HTTP/2" ? new Http2Transport({ connection }) : new HttpsTransport({ connection }),
      });
      try {
        await assert.rejects(
          anon.resource<ConfigMap>(configMaps).list({ namespace: "default" }),
          UnauthorizedError,
        );
      } finally {
        anon.close();
      }
    });

    it("runs an informer, an elector and the event recorder, and stops them cleanly", async () => {
      const cms = client.resource<ConfigMap>(configMaps);
      const informer = new Informer<ConfigMap>({ client: cms, namespace: "default" });
      const seen = new Set<string>();
      informer.addEventHandler({ onAdd: (o) => seen.add(o.metadata?.name ?? "") });
      informer.start();
      await informer.waitForSync();
      await cms.create({ metadata: { name: `live-${n}`, namespace: "default" } });
      await eventually(() => assert.ok(seen.has(`live-${n}`), "watch event over HTTPS"));

      let leading = false;
      const elector = new LeaderElector({
        leases: client.resource<Lease>(leases),
        namespace: "kube-system",
        name: `https-test-${n}`,
        identity: "me",
        retryPeriodMs: 50,
        onStartedLeading: () => {
          leading = true;
        },
      });
      elector.start();
      await eventually(() => assert.ok(leading, "leads"));

      const recorder = new EventRecorder({ events: client.resource<Event>(events), component: "https-test" });
      const cm = await cms.get(`live-${n}`, { namespace: "default" });
      for (let i = 0; i < 3; i++)
        recorder.event({ ...cm, apiVersion: "v1", kind: "ConfigMap" }, "Normal", "Seen", "x");
      await recorder.stop();
      const list = await client.resource<Event>(events).list({
        namespace: "default",
        fieldSelector: `involvedObject.name=live-${n}`,
      });
      assert.equal(list.items[0]?.count, 3);

      await elector.stop();
      await informer.stop();
      const lease = await client.resource<Lease>(leases).get(`https-test-${n}`, { namespace: "kube-system" });
      assert.equal(lease.spec?.holderIdentity ?? "", "", "released on stop");
    });
  });
