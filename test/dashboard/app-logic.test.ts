// The dashboard's browser-free logic: manifest identities for apply, quantities and ages, the
// kinds' columns and health.
import assert from "node:assert/strict";
import { test } from "node:test";
import { age, bytes, cores, quantity } from "../../src/dashboard/app/format.ts";
import { apiPath, type KubeObject, kindOf } from "../../src/dashboard/app/kinds.ts";
import { splitManifests } from "../../src/dashboard/app/manifest.ts";

test("manifests: identities of YAML and JSON documents", () => {
  const docs = splitManifests(
    [
      "# leading comment",
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata:",
      "    name: 'web'",
      "    labels:",
      "        name: not-this",
      '    namespace: "shop"',
      "spec:",
      "  replicas: 2",
      "---",
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata:",
      "  name: settings",
      "---",
      "# only a comment",
    ].join("\n"),
  );
  assert.deepEqual(
    docs.map((d) => [d.apiVersion, d.kind, d.name, d.namespace]),
    [
      ["apps/v1", "Deployment", "web", "shop"],
      ["v1", "ConfigMap", "settings", ""],
    ],
  );
  const json = splitManifests('{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"n"}}');
  assert.deepEqual([json[0]?.kind, json[0]?.name, json[0]?.namespace], ["Secret", "s", "n"]);
});

test("quantities, cores, bytes and ages read like kubectl's", () => {
  assert.equal(quantity("250m"), 0.25);
  assert.equal(quantity("16Gi"), 16 * 1024 ** 3);
  assert.equal(quantity("1500000n"), 0.0015);
  assert.ok(Number.isNaN(quantity("lots")));
  assert.equal(cores(0.25), "250m");
  assert.equal(cores(2), "2.00");
  assert.equal(bytes(1536), "1.5Ki");
  const now = Date.parse("2026-01-02T00:00:00Z");
  assert.equal(age("2026-01-01T23:59:30Z", now), "30s");
  assert.equal(age("2026-01-01T22:00:00Z", now), "120m");
  assert.equal(age("2025-12-30T00:00:00Z", now), "3d");
});

test("kinds: paths, columns and health", () => {
  const pods = kindOf("pods");
  const deployments = kindOf("deployments");
  assert.ok(pods && deployments);
  assert.equal(apiPath(pods, ""), "/api/v1/pods");
  assert.equal(apiPath(deployments, "shop", "web"), "/apis/apps/v1/namespaces/shop/deployments/web");
  assert.equal(apiPath(kindOf("nodes") ?? pods, "ignored", "n1"), "/api/v1/nodes/n1");
  const pod = (phase: string, ready: boolean, waiting?: string): KubeObject => ({
    metadata: { name: "p" },
    spec: { containers: [{ name: "c" }] },
    status: {
      phase,
      containerStatuses: [
        { name: "c", ready, state: waiting ? { waiting: { reason: waiting } } : { running: {} } },
      ],
    },
  });
  assert.equal(pods.health?.(pod("Running", true)), "ok");
  assert.equal(pods.health?.(pod("Running", false)), "warn");
  assert.equal(pods.health?.(pod("Pending", false, "CrashLoopBackOff")), "bad");
  const status = pods.columns.find(([t]) => t === "Status")?.[1];
  assert.equal(status?.(pod("Pending", false, "ImagePullBackOff")), "ImagePullBackOff");
  const dep: KubeObject = { metadata: { name: "d" }, spec: { replicas: 3 }, status: { readyReplicas: 1 } };
  assert.equal(deployments.columns.find(([t]) => t === "Ready")?.[1](dep), "1/3");
  assert.equal(deployments.health?.(dep), "warn");
});
