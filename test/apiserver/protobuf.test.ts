// Real kubectl 1.32's typed clients send create bodies as application/vnd.kubernetes.protobuf:
// every `kubectl create <generator>` must store the object the flags describe.
// (kubectl 1.20's generators send JSON, so only 1.32 exercises this path.)
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SkiffServer } from "../support/skiff-server.ts";

// The API server alone: what it stores and answers, with no controller acting on it.
const server = new SkiffServer({ apiOnly: true });
before(async () => {
  await server.start();
});
after(async () => {
  assert.equal(await server.stop(), 0, "server exits cleanly on SIGTERM");
});

type Json = Record<string, unknown>;

async function ok(...args: string[]): Promise<string> {
  const r = await server.kubectl(args);
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}\n${r.stderr}`);
  return r.stdout;
}

async function stored(...resource: string[]): Promise<Json> {
  return JSON.parse(await ok("get", ...resource, "-o", "json")) as Json;
}

function at(obj: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = obj;
  for (const p of path) cur = (cur as Record<string | number, unknown> | undefined)?.[p];
  return cur;
}

test("kubectl 1.32 sends protobuf bodies (the path under test)", async () => {
  const r = await server.kubectl(["create", "configmap", "probe", "--from-literal=a=b", "-v=8"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Content-Type: application\/vnd\.kubernetes\.protobuf/);
});

test("configmap, secrets, namespace, serviceaccount", async () => {
  await ok("create", "configmap", "settings", "--from-literal=mode=fast", "--from-literal=empty=");
  const cm = await stored("configmap", "settings");
  assert.deepEqual(cm.data, { mode: "fast", empty: "" });
  assert.equal(at(cm, "metadata", "name"), "settings");
  assert.equal(typeof at(cm, "metadata", "uid"), "string");

  await ok("create", "secret", "generic", "creds", "--from-literal=password=s3cret");
  const secret = await stored("secret", "creds");
  assert.equal(secret.type, "Opaque");
  assert.deepEqual(secret.data, { password: Buffer.from("s3cret").toString("base64") });

  await ok(
    "create",
    "secret",
    "docker-registry",
    "pull",
    "--docker-server=r.io",
    "--docker-username=u",
    "--docker-password=p",
  );
  const pull = await stored("secret", "pull");
  assert.equal(pull.type, "kubernetes.io/dockerconfigjson");
  const config = JSON.parse(
    Buffer.from(String(at(pull, "data", ".dockerconfigjson")), "base64").toString(),
  ) as Json;
  assert.equal(at(config, "auths", "r.io", "username"), "u");

  await ok("create", "namespace", "team-a");
  assert.equal(at(await stored("namespace", "team-a"), "status", "phase"), "Active");

  await ok("create", "serviceaccount", "robot");
  assert.equal(at(await stored("serviceaccount", "robot"), "metadata", "name"), "robot");
});

test("deployment with a full pod template", async () => {
  await ok("create", "deployment", "web", "--image=nginx:1.27", "--replicas=3", "--port=8080");
  const dep = await stored("deployment", "web");
  assert.equal(at(dep, "spec", "replicas"), 3);
  assert.deepEqual(at(dep, "spec", "selector"), { matchLabels: { app: "web" } });
  assert.deepEqual(at(dep, "spec", "template", "metadata", "labels"), { app: "web" });
  const container = at(dep, "spec", "template", "spec", "containers", 0) as Json;
  assert.equal(container.name, "nginx");
  assert.equal(container.image, "nginx:1.27");
  assert.deepEqual(container.ports, [{ containerPort: 8080, protocol: "TCP" }]);
  // Server defaults applied to the decoded object, as for a JSON body.
  assert.equal(at(dep, "spec", "strategy", "type"), "RollingUpdate");
  assert.equal(at(dep, "spec", "template", "spec", "restartPolicy"), "Always");

  await ok("create", "deployment", "zero", "--image=nginx", "--replicas=0");
  assert.equal(
    at(await stored("deployment", "zero"), "spec", "replicas"),
    0,
    "a pointer field set to 0 stays 0",
  );
});

test("services: clusterip and nodeport with IntOrString target ports", async () => {
  await ok("create", "service", "clusterip", "api", "--tcp=80:8080");
  const svc = await stored("service", "api");
  assert.equal(at(svc, "spec", "type"), "ClusterIP");
  assert.deepEqual(at(svc, "spec", "ports", 0), {
    name: "80-8080",
    port: 80,
    protocol: "TCP",
    targetPort: 8080,
  });
  assert.deepEqual(at(svc, "spec", "selector"), { app: "api" });

  await ok("create", "service", "nodeport", "edge", "--tcp=443:8443", "--node-port=30443");
  const np = await stored("service", "edge");
  assert.equal(at(np, "spec", "type"), "NodePort");
  assert.equal(at(np, "spec", "ports", 0, "nodePort"), 30443);
});

test("job, cronjob and job --from=cronjob", async () => {
  await ok("create", "job", "once", "--image=busybox", "--", "echo", "hi");
  const job = await stored("job", "once");
  assert.deepEqual(at(job, "spec", "template", "spec", "containers", 0, "command"), ["echo", "hi"]);
  assert.equal(at(job, "spec", "template", "spec", "restartPolicy"), "Never");

  await ok("create", "cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *", "--", "date");
  const cj = await stored("cronjob", "tick");
  assert.equal(at(cj, "spec", "schedule"), "*/5 * * * *");
  assert.equal(at(cj, "spec", "jobTemplate", "spec", "template", "spec", "restartPolicy"), "OnFailure");

  await ok("create", "job", "manual", "--from=cronjob/tick");
  const manual = await stored("job", "manual");
  assert.equal(at(manual, "metadata", "annotations", "cronjob.kubernetes.io/instantiate"), "manual");
  assert.equal(at(manual, "metadata", "ownerReferences", 0, "kind"), "CronJob");
  assert.equal(at(manual, "metadata", "ownerReferences", 0, "controller"), true);
});

test("rbac: role, clusterrole and their bindings", async () => {
  await ok("create", "role", "reader", "--verb=get,list", "--resource=pods,deployments.apps");
  const role = await stored("role", "reader");
  assert.deepEqual(at(role, "rules"), [
    { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
    { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list"] },
  ]);
  await ok(
    "create",
    "rolebinding",
    "read",
    "--role=reader",
    "--user=alice",
    "--serviceaccount=default:robot",
  );
  const rb = await stored("rolebinding", "read");
  assert.deepEqual(at(rb, "roleRef"), {
    apiGroup: "rbac.authorization.k8s.io",
    kind: "Role",
    name: "reader",
  });
  assert.deepEqual(at(rb, "subjects"), [
    { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "alice" },
    { kind: "ServiceAccount", name: "robot", namespace: "default" },
  ]);
  await ok("create", "clusterrole", "viewer", "--verb=get", "--non-resource-url=/healthz");
  assert.deepEqual(at(await stored("clusterrole", "viewer"), "rules"), [
    { nonResourceURLs: ["/healthz"], verbs: ["get"] },
  ]);
  await ok("create", "clusterrolebinding", "view", "--clusterrole=viewer", "--group=ops");
  assert.deepEqual(at(await stored("clusterrolebinding", "view"), "subjects"), [
    { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "ops" },
  ]);
});

test("quota, poddisruptionbudget, ingress, autoscale", async () => {
  await ok(
    "create",
    "quota",
    "limits",
    "--hard=pods=10,requests.cpu=2,requests.memory=1Gi",
    "--scopes=NotTerminating",
  );
  const quota = await stored("resourcequota", "limits");
  assert.deepEqual(at(quota, "spec", "hard"), { pods: "10", "requests.cpu": "2", "requests.memory": "1Gi" });
  assert.deepEqual(at(quota, "spec", "scopes"), ["NotTerminating"]);
  // The ResourceQuota admission plugin would make later pods in this namespace name requests.cpu.
  await ok("delete", "quota", "limits");

  await ok("create", "poddisruptionbudget", "web", "--selector=app=web", "--min-available=50%");
  const pdb = await stored("poddisruptionbudget", "web");
  assert.equal(at(pdb, "spec", "minAvailable"), "50%");
  assert.deepEqual(at(pdb, "spec", "selector"), { matchLabels: { app: "web" } });

  await ok("create", "ingress", "site", "--class=nginx", "--rule=example.com/api*=api:80,tls=site-cert");
  const ing = await stored("ingress", "site");
  assert.equal(at(ing, "spec", "ingressClassName"), "nginx");
  assert.deepEqual(at(ing, "spec", "rules", 0), {
    host: "example.com",
    http: {
      paths: [
        { path: "/api", pathType: "Prefix", backend: { service: { name: "api", port: { number: 80 } } } },
      ],
    },
  });
  assert.deepEqual(at(ing, "spec", "tls"), [{ hosts: ["example.com"], secretName: "site-cert" }]);

  await ok("autoscale", "deployment", "web", "--min=2", "--max=5", "--cpu-percent=60");
  const hpa = await stored("hpa", "web");
  assert.equal(at(hpa, "spec", "minReplicas"), 2);
  assert.equal(at(hpa, "spec", "maxReplicas"), 5);
});

test("drain --disable-eviction deletes pods with protobuf DeleteOptions (gracePeriodSeconds=0)", async () => {
  const manifest = `apiVersion: v1
kind: Node
metadata: {name: worker}
---
apiVersion: v1
kind: Pod
metadata: {name: stray}
spec: {nodeName: worker, containers: [{name: c, image: nginx}]}
`;
  const created = await server.kubectl(["create", "-f", "-"], { input: manifest });
  assert.equal(created.code, 0, created.stderr);
  const r = await server.kubectl([
    "drain",
    "worker",
    "--disable-eviction",
    "--force",
    "--grace-period=0",
    "--timeout=20s",
    "-v=8",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /DELETE \S+\/pods\/stray[\s\S]*Content-Type: application\/vnd\.kubernetes\.protobuf/,
  );
  assert.match(r.stdout, /pod\/stray deleted/);
  const gone = await server.kubectl(["get", "pod", "stray"]);
  assert.match(gone.stderr, /NotFound/);
});

test("priorityclass: kubectl create priorityclass (protobuf body) creates it", async () => {
  const r = await server.kubectl(["create", "priorityclass", "high", "--value=1000"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /priorityclass\.scheduling\.k8s\.io\/high created/);
  const v = await server.kubectl(["get", "pc", "high", "-o", "jsonpath={.value}"]);
  assert.equal(v.stdout, "1000");
});
