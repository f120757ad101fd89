// PodSecurity with `skiff server --admission-control-config-file`: a PodSecurityConfiguration's
// defaults stand in for missing namespace labels, its exemptions (usernames, runtimeClasses,
// namespaces) skip checks; pod updates are checked only when they change what the policy covers;
// relabelling a namespace warns about its pods. All through kubectl 1.32.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { SkiffServer } from "../support/skiff-server.ts";
import { tempDir } from "../support/tempdir.ts";

const dir = tempDir("skiff-psa-config-");
const server = new SkiffServer({ apiOnly: true });

before(async () => {
  // The plugin's configuration in its own file, referenced by a relative path.
  writeFileSync(
    join(dir.path, "podsecurity.yaml"),
    `apiVersion: pod-security.admission.config.k8s.io/v1
kind: PodSecurityConfiguration
defaults:
  enforce: baseline
  enforce-version: latest
  warn: restricted
exemptions:
  usernames: [trusted-deployer]
  runtimeClasses: [kata]
  namespaces: [exempt-ns]
`,
  );
  const config = join(dir.path, "admission.yaml");
  writeFileSync(
    config,
    `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: PodSecurity
    path: podsecurity.yaml
`,
  );
  await server.start(["--admission-control-config-file", config]);
});
after(async () => {
  await server.stop();
  dir.remove();
});

async function ok(args: string[], input?: string) {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r;
}

const pod = (name: string, ns: string, spec: Record<string, unknown> = {}, privileged = false) =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns },
    spec: {
      containers: [
        { name: "c", image: "nginx", ...(privileged ? { securityContext: { privileged: true } } : {}) },
      ],
      ...spec,
    },
  });

test("the configured defaults apply to namespaces without labels", async () => {
  await ok(["create", "namespace", "plain"]);
  const r = await server.kubectl(["apply", "-f", "-"], { input: pod("priv", "plain", {}, true) });
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /pods "priv" is forbidden: violates PodSecurity "baseline:latest": privileged \(container "c" must not set securityContext.privileged=true\)/,
  );
  const created = await ok(["apply", "-f", "-"], pod("simple", "plain"));
  assert.match(
    created.stderr,
    /Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false/,
  );
  // A label still overrides the default.
  await ok(["create", "namespace", "open"]);
  await ok(["label", "namespace", "open", "pod-security.kubernetes.io/enforce=privileged"]);
  await ok(["apply", "-f", "-"], pod("priv", "open", {}, true));
});

test("exempt namespaces, users and runtime classes are not checked", async () => {
  await ok(["create", "namespace", "exempt-ns"]);
  await ok(["apply", "-f", "-"], pod("priv", "exempt-ns", {}, true));
  await ok(["create", "namespace", "users"]);
  await ok([
    "create",
    "clusterrolebinding",
    "trusted",
    "--clusterrole=cluster-admin",
    "--user=trusted-deployer",
  ]);
  await ok(["create", "clusterrolebinding", "other", "--clusterrole=cluster-admin", "--user=other-deployer"]);
  await ok(["apply", "--as=trusted-deployer", "-f", "-"], pod("priv", "users", {}, true));
  const other = await server.kubectl(["apply", "--as=other-deployer", "-f", "-"], {
    input: pod("priv2", "users", {}, true),
  });
  assert.notEqual(other.code, 0);
  assert.match(other.stderr, /violates PodSecurity "baseline:latest"/);
  await ok(["create", "namespace", "sandboxed"]);
  await ok(["apply", "-f", "-"], pod("priv", "sandboxed", { runtimeClassName: "kata" }, true));
  const runc = await server.kubectl(["apply", "-f", "-"], {
    input: pod("priv2", "sandboxed", { runtimeClassName: "runc" }, true),
  });
  assert.notEqual(runc.code, 0);
});

test("pod updates are checked only when they change images or seccomp; relabelling warns", async () => {
  await ok(["create", "namespace", "later"]);
  await ok(["label", "namespace", "later", "pod-security.kubernetes.io/enforce=privileged"]);
  await ok(["apply", "-f", "-"], pod("p", "later", {}, true));
  const relabel = await ok([
    "label",
    "--overwrite",
    "namespace",
    "later",
    "pod-security.kubernetes.io/enforce=restricted",
  ]);
  assert.match(
    relabel.stderr,
    /Warning: existing pods in namespace "later" violate the new PodSecurity enforce level "restricted:latest"/,
  );
  assert.match(relabel.stderr, /Warning: p: privileged, allowPrivilegeEscalation != false/);
  // Metadata changes of a violating pod pass.
  await ok(["label", "pod", "p", "-n", "later", "tier=web"]);
  await ok(["annotate", "pod", "p", "-n", "later", "note=kept"]);
  // A new image is a significant update: refused under the new level.
  const image = await server.kubectl(["set", "image", "pod/p", "-n", "later", "c=busybox"]);
  assert.notEqual(image.code, 0);
  assert.match(image.stderr, /pods "p" is forbidden: violates PodSecurity "restricted:latest": privileged/);
});
