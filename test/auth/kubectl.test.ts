// Authentication and authorization with real kubectl 1.32 against `skiff server` (RBAC and Node
// authorizers on by default): namespaced roles, Forbidden messages, `auth can-i [--list] --as`,
// `auth whoami`, escalation prevention, impersonation, bound service account tokens, and a node
// identity confined to what its pods use.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { SkiffServer } from "../support/skiff-server.ts";

const server = new SkiffServer({ apiOnly: true });

before(async () => {
  const file = join(server.dir.path, "tokens.csv");
  writeFileSync(file, "alice-token,alice,1001,dev\nnode-token,system:node:n1,,system:nodes\n");
  await server.start(["--token-auth-file", file]);
});
after(async () => {
  await server.stop();
});

async function kubectl(args: string[], input?: string) {
  return server.kubectl(args, input === undefined ? {} : { input });
}

async function ok(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

const alice = ["--token", "alice-token"];
const node = ["--token", "node-token"];

/** Authorization follows bindings through a watch: retry a command until it succeeds. */
async function eventually(
  args: string[],
  want: (r: { code: number; stdout: string; stderr: string }) => boolean,
) {
  for (let i = 0; i < 100; i++) {
    const r = await kubectl(args);
    if (want(r)) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.fail(`kubectl ${args.join(" ")} never reached the expected state`);
}

test("a namespaced Role lets alice list pods there; elsewhere she gets Kubernetes' Forbidden", async () => {
  await ok(["create", "namespace", "team"]);
  await ok(["create", "role", "pod-reader", "-n", "team", "--verb=get,list,watch", "--resource=pods"]);
  await ok(["create", "rolebinding", "alice-reads", "-n", "team", "--role=pod-reader", "--user=alice"]);
  await eventually([...alice, "get", "pods", "-n", "team"], (r) => r.code === 0);
  const denied = await kubectl([...alice, "get", "pods", "-n", "default"]);
  assert.notEqual(denied.code, 0);
  assert.equal(
    denied.stderr.trim(),
    'Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"',
  );
  const secret = await kubectl([...alice, "get", "secret", "x", "-n", "team"]);
  assert.match(
    secret.stderr,
    /secrets "x" is forbidden: User "alice" cannot get resource "secrets" in API group "" in the namespace "team"/,
  );
  const nodes = await kubectl([...alice, "get", "nodes"]);
  assert.match(
    nodes.stderr,
    /User "alice" cannot list resource "nodes" in API group "" at the cluster scope/,
  );
});

test("kubectl auth can-i, can-i --list --as and whoami", async () => {
  assert.equal((await ok(["auth", "can-i", "list", "pods", "-n", "team", "--as=alice"])).trim(), "yes");
  const no = await kubectl(["auth", "can-i", "list", "pods", "-n", "default", "--as=alice"]);
  assert.equal(no.stdout.trim(), "no");
  assert.equal(no.code, 1);
  const list = await ok(["auth", "can-i", "--list", "-n", "team", "--as=alice"]);
  assert.match(list, /^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
  assert.match(list, /^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
  assert.doesNotMatch(list, /^secrets/m);
  const mine = await ok([...alice, "auth", "can-i", "--list", "-n", "default"]);
  assert.doesNotMatch(mine, /^pods/m);
  const who = await ok([...alice, "auth", "whoami"]);
  assert.match(who, /^Username\s+alice$/m);
  assert.match(who, /^UID\s+1001$/m);
  assert.match(who, /^Groups\s+\[dev system:authenticated\]$/m);
  const admin = await ok(["auth", "whoami", "-o", "json"]);
  assert.deepEqual(JSON.parse(admin).status.userInfo.groups, ["system:masters", "system:authenticated"]);
});

test("impersonation needs the impersonate verb", async () => {
  const r = await kubectl([...alice, "get", "pods", "-n", "team", "--as=bob"]);
  assert.match(
    r.stderr,
    /users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope/,
  );
  await ok([
    "create",
    "clusterrole",
    "impersonate-bob",
    "--verb=impersonate",
    "--resource=users",
    "--resource-name=bob",
  ]);
  await ok(["create", "clusterrolebinding", "alice-as-bob", "--clusterrole=impersonate-bob", "--user=alice"]);
  const as = await eventually([...alice, "auth", "whoami", "--as=bob"], (x) => x.code === 0);
  assert.match(as.stdout, /^Username\s+bob$/m);
  // Groups need their own grant.
  const grp = await kubectl([...alice, "get", "pods", "-n", "team", "--as=bob", "--as-group=system:masters"]);
  assert.match(
    grp.stderr,
    /groups "system:masters" is forbidden: User "alice" cannot impersonate resource "groups"/,
  );
});

test("escalation: a Role or binding may grant only what the writer holds, unless escalate/bind", async () => {
  await ok([
    "create",
    "role",
    "rbac-writer",
    "-n",
    "team",
    "--verb=create,get,list",
    "--resource=roles.rbac.authorization.k8s.io,rolebindings.rbac.authorization.k8s.io",
  ]);
  await ok(["create", "rolebinding", "alice-rbac", "-n", "team", "--role=rbac-writer", "--user=alice"]);
  await eventually([...alice, "get", "roles", "-n", "team"], (r) => r.code === 0);
  // Within what she holds: fine.
  await ok([...alice, "create", "role", "pods-too", "-n", "team", "--verb=get", "--resource=pods"]);
  const more = await kubectl([
    ...alice,
    "create",
    "role",
    "secrets-too",
    "-n",
    "team",
    "--verb=get",
    "--resource=secrets",
  ]);
  assert.notEqual(more.code, 0);
  assert.match(
    more.stderr,
    /roles\.rbac\.authorization\.k8s\.io "secrets-too" is forbidden: user "alice" \(groups=\["dev" "system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["secrets"\], Verbs:\["get"\]\}/,
  );
  const bindAdmin = await kubectl([
    ...alice,
    "create",
    "rolebinding",
    "me-admin",
    "-n",
    "team",
    "--clusterrole=admin",
    "--user=alice",
  ]);
  assert.notEqual(bindAdmin.code, 0);
  assert.match(
    bindAdmin.stderr,
    /rolebindings\.rbac\.authorization\.k8s\.io "me-admin" is forbidden: user "alice"/,
  );
  // Binding a role whose rules she holds is allowed.
  await ok([...alice, "create", "rolebinding", "pods-too", "-n", "team", "--role=pods-too", "--user=carol"]);
  // With escalate and bind she may.
  await ok([
    "create",
    "role",
    "escalator",
    "-n",
    "team",
    "--verb=escalate,bind",
    "--resource=roles.rbac.authorization.k8s.io,clusterroles.rbac.authorization.k8s.io",
  ]);
  await ok(["create", "rolebinding", "alice-escalates", "-n", "team", "--role=escalator", "--user=alice"]);
  await eventually(
    [...alice, "create", "role", "secrets-too", "-n", "team", "--verb=get", "--resource=secrets"],
    (r) => r.code === 0,
  );
  await ok([
    ...alice,
    "create",
    "rolebinding",
    "me-admin",
    "-n",
    "team",
    "--clusterrole=admin",
    "--user=alice",
  ]);
});

test("a TokenRequest token authenticates as the service account until its pod is deleted", async () => {
  await ok(["create", "serviceaccount", "robot", "-n", "team"]);
  await ok([
    "create",
    "rolebinding",
    "robot-reads",
    "-n",
    "team",
    "--role=pod-reader",
    "--serviceaccount=team:robot",
  ]);
  await ok([
    "run",
    "p1",
    "-n",
    "team",
    "--image=busybox",
    '--overrides={"spec":{"serviceAccountName":"robot"}}',
  ]);
  const token = (
    await ok(["create", "token", "robot", "-n", "team", "--bound-object-kind=Pod", "--bound-object-name=p1"])
  ).trim();
  assert.match(token, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  const who = await eventually(["--token", token, "auth", "whoami"], (r) => r.code === 0);
  assert.match(who.stdout, /^Username\s+system:serviceaccount:team:robot$/m);
  assert.match(who.stdout, /authentication\.kubernetes\.io\/pod-name\s+\[p1\]/);
  await eventually(["--token", token, "get", "pods", "-n", "team"], (r) => r.code === 0);
  const forbidden = await kubectl(["--token", token, "get", "secrets", "-n", "team"]);
  assert.match(forbidden.stderr, /User "system:serviceaccount:team:robot" cannot list resource "secrets"/);
  await ok(["delete", "pod", "p1", "-n", "team", "--wait=true"]);
  const gone = await eventually(["--token", token, "get", "pods", "-n", "team"], (r) => r.code !== 0);
  assert.match(gone.stderr, /Unauthorized/);
  // A token for another audience does not authenticate against the API.
  const other = (await ok(["create", "token", "robot", "-n", "team", "--audience=vault"])).trim();
  assert.match((await kubectl(["--token", other, "get", "pods", "-n", "team"])).stderr, /Unauthorized/);
});

test("a node identity reads only the secrets its pods use and changes only its own objects", async () => {
  await ok(["create", "secret", "generic", "used", "-n", "team", "--from-literal=k=v"]);
  await ok(["create", "secret", "generic", "unused", "-n", "team", "--from-literal=k=v"]);
  await ok(["create", "configmap", "cfg", "-n", "team", "--from-literal=k=v"]);
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "on-n1", namespace: "team" },
    spec: {
      nodeName: "n1",
      containers: [{ name: "c", image: "busybox", envFrom: [{ configMapRef: { name: "cfg" } }] }],
      volumes: [{ name: "s", secret: { secretName: "used" } }],
    },
  };
  await ok(["apply", "-f", "-"], JSON.stringify(pod));
  await eventually([...node, "get", "secret", "used", "-n", "team"], (r) => r.code === 0);
  await ok([...node, "get", "configmap", "cfg", "-n", "team"]);
  const unused = await kubectl([...node, "get", "secret", "unused", "-n", "team"]);
  assert.equal(
    unused.stderr.trim(),
    `Error from server (Forbidden): secrets "unused" is forbidden: User "system:node:n1" cannot get resource "secrets" in API group "" in the namespace "team": no relationship found between node 'n1' and this object`,
  );
  const list = await kubectl([...node, "get", "secrets", "-n", "team"]);
  assert.match(list.stderr, /User "system:node:n1" cannot list resource "secrets"/);
  // Pods are readable (static node rules); writes go through NodeRestriction.
  await ok([...node, "get", "pod", "on-n1", "-n", "team"]);
  const other = {
    ...pod,
    metadata: { name: "on-n2", namespace: "team" },
    spec: { ...pod.spec, nodeName: "n2" },
  };
  await ok(["apply", "-f", "-"], JSON.stringify(other));
  const del = await kubectl([...node, "delete", "pod", "on-n2", "-n", "team", "--wait=false"]);
  assert.match(del.stderr, /node "n1" can only delete pods with spec\.nodeName set to itself/);
  const create = await kubectl(
    [...node, "create", "-f", "-"],
    JSON.stringify({ ...pod, metadata: { name: "fake", namespace: "team" } }),
  );
  assert.match(create.stderr, /node "n1" can only create mirror pods/);
  const n2 = await kubectl(
    [...node, "create", "-f", "-"],
    JSON.stringify({ apiVersion: "v1", kind: "Node", metadata: { name: "n2" } }),
  );
  assert.match(n2.stderr, /node "n1" is not allowed to modify node "n2"/);
  await ok(
    [...node, "create", "-f", "-"],
    JSON.stringify({ apiVersion: "v1", kind: "Node", metadata: { name: "n1" } }),
  );
  // Its own Lease only.
  const lease = (name: string) =>
    JSON.stringify({
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name, namespace: "kube-node-lease" },
      spec: { holderIdentity: name },
    });
  await ok([...node, "apply", "-f", "-"], lease("n1"));
  await ok(["apply", "-f", "-"], lease("n2"));
  const foreign = await kubectl([...node, "get", "lease", "n2", "-n", "kube-node-lease"]);
  assert.match(foreign.stderr, /can only access node lease with the same name as the requesting node/);
});
