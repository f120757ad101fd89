// ServiceAccount admission end to end: `skiff server` with its fake-runtime agent and kubectl 1.32.
// Pods get the kube-api-access volume, the kube-root-ca.crt publisher fills every namespace, the
// kubelet mounts the projected token, and a missing account is refused with Kubernetes' message.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SkiffServer } from "../support/skiff-server.ts";

const server = new SkiffServer({ agent: true, runtime: "fake" });

before(async () => {
  await server.start();
});
after(async () => {
  await server.stop();
});

async function kubectl(args: string[], input?: string): Promise<string> {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

async function eventually(what: string, f: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (await f()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`timed out: ${what}\n${server.log}`);
}

test("a pod in a fresh namespace runs with the projected token volume", async () => {
  await kubectl(["create", "namespace", "sa-test"]);
  await kubectl(["run", "web", "-n", "sa-test", "--image", "nginx"]);
  const pod = JSON.parse(await kubectl(["get", "pod", "web", "-n", "sa-test", "-o", "json"]));
  assert.equal(pod.spec.serviceAccountName, "default");
  const vol = pod.spec.volumes.find((v: { name: string }) => v.name.startsWith("kube-api-access-"));
  assert.ok(vol, JSON.stringify(pod.spec.volumes));
  assert.deepEqual(pod.spec.containers[0].volumeMounts, [
    { name: vol.name, readOnly: true, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount" },
  ]);
  const cm = JSON.parse(
    await kubectl(["get", "configmap", "kube-root-ca.crt", "-n", "sa-test", "-o", "json"]),
  );
  assert.match(cm.data["ca.crt"], /^-----BEGIN CERTIFICATE-----/);
  // Running means the kubelet set the volume up: a bound token, the CA and the namespace.
  await eventually("pod Running", async () => {
    const phase = await kubectl(["get", "pod", "web", "-n", "sa-test", "-o", "jsonpath={.status.phase}"]);
    return phase === "Running";
  });
});

test("a pod naming a missing ServiceAccount is refused", async () => {
  const r = await server.kubectl([
    "run",
    "ghost",
    "--image",
    "nginx",
    "--overrides",
    '{"spec":{"serviceAccountName":"nobody"}}',
  ]);
  assert.notEqual(r.code, 0);
  assert.equal(
    r.stderr.trim(),
    'Error from server (Forbidden): pods "ghost" is forbidden: error looking up service account default/nobody: serviceaccount "nobody" not found',
  );
});

test("automountServiceAccountToken: false on the account keeps pods token-free", async () => {
  await kubectl(
    ["apply", "-f", "-"],
    `apiVersion: v1
kind: ServiceAccount
metadata: {name: quiet}
automountServiceAccountToken: false
imagePullSecrets: [{name: regcred}]
`,
  );
  await kubectl(["run", "q", "--image", "nginx", "--overrides", '{"spec":{"serviceAccountName":"quiet"}}']);
  const pod = JSON.parse(await kubectl(["get", "pod", "q", "-o", "json"]));
  assert.equal(pod.spec.volumes, undefined);
  assert.deepEqual(pod.spec.imagePullSecrets, [{ name: "regcred" }]);
});
