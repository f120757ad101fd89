// The everyday kubectl walk-through (discovery, explain, create/apply/get in every output format,
// describe, edit, patch, label, annotate, scale, dry run), the same for kubectl 1.32 and 1.20
// except where the clients print differently.
import assert from "node:assert/strict";
import { test } from "node:test";
import { manifests, nodeManifest } from "./kubectl-manifests.ts";
import type { SuiteContext } from "./kubectl-suite.ts";

// kubectl 1.20 colours cluster-info even when stdout is not a terminal.
const colour = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
const stripColour = (s: string) => s.replace(colour, "");

export function registerWalkthroughTests(ctx: SuiteContext): void {
  const { ok, file } = ctx;
  const v120 = ctx.version === "1.20";

  test("discovery: version, api-versions, api-resources (also -o wide)", async () => {
    const [version, versions, resources, wide] = await Promise.all([
      ok("version"),
      ok("api-versions"),
      ok("api-resources"),
      ok("api-resources", "-o", "wide"),
    ]);
    assert.match(version, /Server Version: .*v1\.32\.\d/);
    for (const gv of ["v1", "apps/v1", "batch/v1", "rbac.authorization.k8s.io/v1"]) {
      assert.match(versions, new RegExp(`^${gv}$`, "m"));
    }
    assert.match(resources, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/m);
    assert.match(resources, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(resources, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    assert.match(resources, /^nodes\s+no\s+v1\s+false\s+Node$/m);
    const verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    if (v120) {
      // 1.20 prints verbs as a Go slice and has no CATEGORIES column.
      assert.match(wide, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND\s+VERBS$/m);
      assert.match(wide, new RegExp(`^pods\\s+po\\s+v1\\s+true\\s+Pod\\s+\\[${verbs.join(" ")}\\]$`, "m"));
    } else {
      assert.match(wide, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND\s+VERBS\s+CATEGORIES$/m);
      assert.match(wide, new RegExp(`^pods\\s+po\\s+v1\\s+true\\s+Pod\\s+${verbs.join(",")}\\s+all$`, "m"));
    }
  });

  test("explain deployment.spec.strategy", async () => {
    const out = await ok("explain", "deployment.spec.strategy");
    assert.match(out, /^KIND:\s+Deployment$/m);
    // 1.20 reads the OpenAPI v2 document, 1.32 the v3 one, and they print the field differently.
    assert.match(out, v120 ? /^RESOURCE: strategy <Object>$/m : /^FIELD: strategy <DeploymentStrategy>$/m);
    assert.match(out, /The deployment strategy to use to replace existing pods with new ones\./);
    assert.match(out, /^ {2,3}rollingUpdate\t</m);
    assert.match(out, /^ {2,3}type\t<string>$/m);
  });

  test("create -f, then get in every output format", async () => {
    const created = await ok("create", "-f", file("app.yaml", manifests));
    assert.match(created, /^configmap\/settings created$/m);
    assert.match(created, /^deployment.apps\/web created$/m);
    assert.match(created, /^service\/web created$/m);
    const [deploy, wide, yaml, json, jsonpath, listPath, columns, labels, all, byField, notFront, sorted] =
      await Promise.all([
        ok("get", "deploy"),
        ok("get", "svc", "web", "-o", "wide"),
        ok("get", "cm", "settings", "-o", "yaml"),
        ok("get", "cm", "-o", "json"),
        ok("get", "cm", "settings", "-o", "jsonpath={.data.mode}"),
        ok("get", "ns", "-o", "jsonpath={range .items[*]}{.metadata.name}{' '}{.status.phase}{'\\n'}{end}"),
        ok(
          "get",
          "cm",
          "-o",
          "custom-columns=N:.metadata.name,M:.data.mode",
          "--no-headers",
          "-l",
          "app=web",
        ),
        ok("get", "cm", "--show-labels"),
        ok("get", "svc", "-A"),
        ok("get", "ns", "--field-selector", "metadata.name=kube-system"),
        ok("get", "cm", "-l", "tier!=front", "-o", "name"),
        ok("get", "ns", "--sort-by", ".metadata.name", "-o", "name"),
      ]);
    assert.match(deploy, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    assert.match(deploy, /^web\s+0\/2\s+0\s+0\s+\d+s$/m);
    assert.match(wide, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR$/m);
    assert.match(wide, /^web\s+NodePort\s+10\.43\.\d+\.\d+\s+<none>\s+80:3\d{4}\/TCP\s+\S+\s+app=web$/m);
    assert.match(yaml, /^kind: ConfigMap$/m);
    assert.match(yaml, /^ {2}mode: fast$/m);
    assert.match(yaml, /^ {2}uid: [0-9a-f-]{36}$/m);
    const list = JSON.parse(json) as { kind: string; items: { metadata: { name: string } }[] };
    assert.equal(list.kind, "List");
    assert.ok(list.items.some((i) => i.metadata.name === "settings"));
    assert.equal(jsonpath, "fast");
    assert.equal(
      listPath,
      "default Active\nkube-node-lease Active\nkube-public Active\nkube-system Active\n",
    );
    assert.equal(columns.trim().replace(/\s+/g, " "), "settings fast");
    assert.match(labels, /^NAME\s+DATA\s+AGE\s+LABELS$/m);
    assert.match(labels, /^settings\s+1\s+\S+\s+app=web,tier=front$/m);
    assert.match(all, /^NAMESPACE\s+NAME\s+TYPE/m);
    assert.match(all, /^default\s+kubernetes\s+ClusterIP\s+10\.43\.0\.1\s+<none>\s+443\/TCP\s/m);
    assert.match(all, /^default\s+web\s+NodePort\s/m);
    assert.equal(byField.trim().split("\n").length, 2);
    assert.match(byField, /^kube-system\s+Active\s+\S+$/m);
    assert.doesNotMatch(notFront, /settings/);
    assert.deepEqual(sorted.trim().split("\n"), [
      "namespace/default",
      "namespace/kube-node-lease",
      "namespace/kube-public",
      "namespace/kube-system",
    ]);
  });

  test("get --sort-by on a column other than the name, get all, cluster-info", async () => {
    await ok("create", "-f", file("node.yaml", nodeManifest));
    for (const [name, n] of [
      ["zeta", "1"],
      ["alpha", "3"],
      ["mid", "2"],
    ] as const) {
      await ok(
        "create",
        "-f",
        file(
          `sort-${name}.yaml`,
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  labels: {sort: "yes", rank: "${n}"}\n`,
        ),
      );
    }
    const [byLabel, byTime, everything, info, nodes] = await Promise.all([
      ok("get", "cm", "-l", "sort", "--sort-by", ".metadata.labels.rank", "-o", "name"),
      ok("get", "cm", "-l", "sort", "--sort-by", ".metadata.creationTimestamp", "--no-headers"),
      ok("get", "all"),
      ok("cluster-info"),
      ok("get", "nodes", "-o", "wide"),
    ]);
    assert.deepEqual(byLabel.trim().split("\n"), ["configmap/zeta", "configmap/mid", "configmap/alpha"]);
    assert.equal(byTime.trim().split("\n").length, 3);
    assert.match(everything, /^service\/kubernetes\s+ClusterIP\s+10\.43\.0\.1\s/m);
    assert.match(everything, /^service\/web\s+NodePort\s/m);
    assert.match(everything, /^deployment\.apps\/web\s+0\/2\s+0\s+0\s/m);
    assert.doesNotMatch(everything, /configmap/);
    assert.match(
      stripColour(info),
      new RegExp(`^Kubernetes control plane is running at ${ctx.server.url}$`, "m"),
    );
    assert.match(
      nodes,
      /^node-1\s+Unknown\s+control-plane\s+\S+\s+v1\.32\.0\s+10\.0\.0\.5\s+<none>\s+Debian GNU\/Linux 12\s+6\.1\.0\s+skiff:\/\/0\.1\.0$/m,
    );
  });

  test("apply creates, leaves an unchanged manifest alone, then patches a changed one", async () => {
    const path = file(
      "applied.yaml",
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: one\n",
    );
    assert.match(await ok("apply", "-f", path), /^configmap\/applied created$/m);
    const rv = await ok("get", "cm", "applied", "-o", "jsonpath={.metadata.resourceVersion}");
    assert.match(await ok("apply", "-f", path), /^configmap\/applied unchanged$/m);
    assert.equal(await ok("get", "cm", "applied", "-o", "jsonpath={.metadata.resourceVersion}"), rv);
    file(
      "applied.yaml",
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: two\n  l: new\n",
    );
    assert.match(await ok("apply", "-f", path), /^configmap\/applied configured$/m);
    assert.equal(await ok("get", "cm", "applied", "-o", "jsonpath={.data.k}/{.data.l}"), "two/new");
    // Removing a key from the manifest deletes it (three-way merge through last-applied).
    file("applied.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: two\n");
    assert.match(await ok("apply", "-f", path), /^configmap\/applied configured$/m);
    assert.equal(await ok("get", "cm", "applied", "-o", "jsonpath={.data}"), '{"k":"two"}');
    // A changed deployment: the patch bumps the generation.
    const changed = manifests.replace("image: nginx:1.27", "image: nginx:1.28");
    const applied = await ok("apply", "-f", file("app-changed.yaml", changed));
    assert.match(applied, /^deployment.apps\/web configured$/m);
    assert.equal(
      await ok(
        "get",
        "deploy",
        "web",
        "-o",
        "jsonpath={.spec.template.spec.containers[0].image} {.metadata.generation}",
      ),
      "nginx:1.28 2",
    );
  });

  test("patch (strategic, merge, json), label, annotate, scale", async () => {
    await ok("patch", "cm", "settings", "-p", '{"data":{"extra":"1"}}');
    await ok("patch", "cm", "settings", "--type", "merge", "-p", '{"data":{"mode":null}}');
    await ok(
      "patch",
      "cm",
      "settings",
      "--type",
      "json",
      "-p",
      '[{"op":"add","path":"/data/j","value":"2"}]',
    );
    assert.equal(await ok("get", "cm", "settings", "-o", "jsonpath={.data}"), '{"extra":"1","j":"2"}');
    // Strategic merge on a list keyed by name: adds a container, keeps the existing one.
    await ok(
      "patch",
      "deploy",
      "web",
      "-p",
      '{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox"}]}}}}',
    );
    assert.equal(
      await ok("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[*].name}"),
      "side web",
    );
    assert.match(await ok("label", "cm", "settings", "stage=test"), /configmap\/settings labeled/);
    assert.match(await ok("annotate", "cm", "settings", "note=hello"), /configmap\/settings annotated/);
    await ok("label", "cm", "settings", "tier-");
    assert.equal(
      await ok("get", "cm", "settings", "-o", "jsonpath={.metadata.labels}/{.metadata.annotations.note}"),
      '{"app":"web","stage":"test"}/hello',
    );
    const gen = Number(await ok("get", "deploy", "web", "-o", "jsonpath={.metadata.generation}"));
    assert.match(await ok("scale", "deploy", "web", "--replicas=4"), /deployment.apps\/web scaled/);
    assert.equal(
      await ok("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}/{.metadata.generation}"),
      `4/${gen + 1}`,
    );
  });

  test("edit with an EDITOR script", async () => {
    const editor = file("editor.sh", '#!/bin/sh\nsed -i \'s/extra: "1"/extra: edited/\' "$1"\n');
    const r = await ctx.kubectl.run(["edit", "cm", "settings"], {
      env: { EDITOR: `sh ${editor}`, KUBE_EDITOR: `sh ${editor}` },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /configmap\/settings edited/);
    assert.equal(await ok("get", "cm", "settings", "-o", "jsonpath={.data.extra}"), "edited");
  });

  test("describe configmap, deployment, service, node, namespace", async () => {
    const [cm, deploy, svc, node, ns] = await Promise.all([
      ok("describe", "cm", "settings"),
      ok("describe", "deploy", "web"),
      ok("describe", "svc", "web"),
      ok("describe", "node", "node-1"),
      ok("describe", "ns", "default"),
    ]);
    assert.match(cm, /^Name:\s+settings$/m);
    assert.match(cm, /^Labels:\s+app=web$/m);
    assert.match(cm, /^extra:\n-+\nedited$/m);
    assert.match(deploy, /^Name:\s+web$/m);
    assert.match(deploy, /^Selector:\s+app=web$/m);
    assert.match(deploy, /^Replicas:\s+4 desired \| 0 updated \| 0 total \| 0 available \| 0 unavailable$/m);
    assert.match(deploy, /^StrategyType:\s+RollingUpdate$/m);
    assert.match(deploy, /^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m);
    assert.match(deploy, /^ {3}web:\n {4}Image:\s+nginx:1\.28$/m);
    assert.match(svc, /^Type:\s+NodePort$/m);
    assert.match(svc, /^IP:\s+10\.43\.\d+\.\d+$/m);
    assert.match(svc, /^NodePort:\s+<unset>\s+3\d{4}\/TCP$/m);
    assert.match(svc, /^Session Affinity:\s+None$/m);
    assert.match(node, /^Name:\s+node-1$/m);
    assert.match(node, /^Roles:\s+control-plane$/m);
    assert.match(node, /^ {2}InternalIP:\s+10\.0\.0\.5$/m);
    assert.match(node, /^ {2}cpu:\s+2$/m);
    assert.match(node, /^ {2}Kubelet Version:\s+v1\.32\.0$/m);
    assert.match(node, /^Non-terminated Pods:\s+\(0 in total\)$/m);
    assert.match(ns, /^Name:\s+default$/m);
    assert.match(ns, /^Status:\s+Active$/m);
    assert.match(ns, /^Labels:\s+kubernetes\.io\/metadata\.name=default$/m);
  });

  test("--dry-run=server writes nothing", async () => {
    const path = file("dry.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dry\n");
    const [created, applied] = await Promise.all([
      ok("create", "-f", path, "--dry-run=server"),
      ok("apply", "-f", path, "--dry-run=server"),
    ]);
    assert.match(created, /^configmap\/dry created \(server dry run\)$/m);
    assert.match(applied, /^configmap\/dry created \(server dry run\)$/m);
    const patched = await ok("label", "cm", "settings", "dry=run", "--dry-run=server");
    // 1.20's label does not say "(server dry run)"; the label is not stored either way.
    assert.match(
      patched,
      v120 ? /^configmap\/settings labeled$/m : /configmap\/settings labeled \(server dry run\)/,
    );
    const r = await ctx.kubectl.run(["get", "cm", "dry"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error from server \(NotFound\): configmaps "dry" not found$/m);
    assert.equal(await ok("get", "cm", "settings", "-o", "jsonpath={.metadata.labels.dry}"), "");
  });
}
