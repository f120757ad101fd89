// The kubectl suite's second half: error messages, get --watch rows, deletion (cascade kinds,
// finalizers, waiting), server-side apply and the requests each kubectl version makes on the wire.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { Kubectl } from "./kubectl.ts";
import type { SuiteContext } from "./kubectl-suite.ts";

const cm = (name: string, extra = "") =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}`;

/** Paths of the requests in a `-v=6` log (kubectl logs one line per request with its status). */
function requests(log: string): string[] {
  return [...log.matchAll(/(GET|POST|PATCH|PUT|DELETE) https:\/\/[^/\s]+(\/\S*) \d{3}/g)].map(
    (m) => `${m[1]} ${m[2]}`,
  );
}

export function registerLifecycleTests(ctx: SuiteContext): void {
  const { ok, file, kubectl } = ctx;
  const v120 = ctx.version === "1.20";

  test("error cases print kubectl's usual messages", async () => {
    const stale = file("stale.yaml", await ok("get", "cm", "settings", "-o", "yaml"));
    await ok("annotate", "cm", "settings", "bump=1");
    const [missing, missingDelete, dup, invalid, conflict, unknownType, noNs] = await Promise.all([
      kubectl.run(["get", "cm", "nope"]),
      kubectl.run(["delete", "deploy", "nope"]),
      kubectl.run(["create", "-f", file("dup.yaml", cm("settings"))]),
      kubectl.run([
        "create",
        "-f",
        file(
          "invalid.yaml",
          "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\nspec:\n  replicas: -1\n  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: other}}\n    spec:\n      containers: [{name: c}]\n",
        ),
      ]),
      kubectl.run(["replace", "-f", stale]),
      kubectl.run(["get", "foos"]),
      kubectl.run(["get", "cm", "-n", "nowhere", "x"]),
    ]);
    assert.match(missing.stderr, /^Error from server \(NotFound\): configmaps "nope" not found$/m);
    assert.match(
      missingDelete.stderr,
      /^Error from server \(NotFound\): deployments.apps "nope" not found$/m,
    );
    assert.match(
      dup.stderr,
      /^Error from server \(AlreadyExists\): error when creating ".*dup.yaml": configmaps "settings" already exists$/m,
    );
    assert.match(invalid.stderr, /^The Deployment "bad" is invalid: $/m);
    assert.match(
      invalid.stderr,
      /^\* spec\.replicas: Invalid value: -1: must be greater than or equal to 0$/m,
    );
    assert.match(
      invalid.stderr,
      /^\* spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`$/m,
    );
    assert.match(invalid.stderr, /^\* spec\.template\.spec\.containers\[0\]\.image: Required value$/m);
    assert.match(
      conflict.stderr,
      /^Error from server \(Conflict\): error when replacing ".*stale.yaml": Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again$/m,
    );
    assert.match(unknownType.stderr, /^error: the server doesn't have a resource type "foos"$/m);
    // kubectl looks the namespace up after a 404 and reports that instead.
    assert.match(noNs.stderr, /^Error from server \(NotFound\): namespaces "nowhere" not found$/m);
    for (const r of [missing, missingDelete, dup, invalid, conflict, unknownType, noNs])
      assert.equal(r.code, 1);
  });

  test("unknown fields: 1.32 is refused by the server, 1.20 validates against /openapi/v2 itself", async () => {
    const path = file("unknown.yaml", cm("u", "datta: {}\n"));
    const strict = await kubectl.run(["create", "-f", path, "-v=6"]);
    // 1.20 exits 255 on a client-side validation error.
    assert.equal(strict.code, v120 ? 255 : 1);
    const sent = requests(strict.stderr);
    if (v120) {
      // Client-side validation from the protobuf OpenAPI v2 document; nothing is posted.
      assert.match(
        strict.stderr,
        /error validating data: ValidationError\(ConfigMap\): unknown field "datta" in io\.k8s\.api\.core\.v1\.ConfigMap/,
      );
      assert.ok(
        sent.some((r) => r.startsWith("GET /openapi/v2")),
        sent.join("\n"),
      );
      assert.ok(!sent.some((r) => r.startsWith("GET /openapi/v3")), sent.join("\n"));
      assert.ok(!sent.some((r) => r.startsWith("POST")), sent.join("\n"));
    } else {
      assert.match(
        strict.stderr,
        /Error from server \(BadRequest\): error when creating ".*unknown.yaml": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "datta"/,
      );
      assert.ok(
        sent.some((r) => r.startsWith("GET /openapi/v3/api/v1")),
        sent.join("\n"),
      );
      assert.ok(
        sent.some((r) => /^POST .*fieldValidation=Strict/.test(r)),
        sent.join("\n"),
      );
    }
    // Without validation 1.20 sends no fieldValidation and 1.32 sends Ignore: the object is
    // stored without the field; 1.20 gets the server's default (Warn) warning.
    const loose = await kubectl.run(["create", "-f", path, "--validate=false"]);
    assert.equal(loose.code, 0, loose.stderr);
    if (v120) assert.match(loose.stderr, /^Warning: unknown field "datta"$/m);
    else assert.equal(loose.stderr, "");
    await ok("delete", "cm", "u");
  });

  test("discovery on a cold cache: 1.20 legacy per group-version, 1.32 aggregated", async () => {
    const cold = new Kubectl({
      version: ctx.version,
      kubeconfig: ctx.server.kubeconfig,
      cacheDir: join(ctx.server.dir.path, `cold-cache-${ctx.version}`),
    });
    const r = await cold.run(["get", "deploy", "-v=6"]);
    assert.equal(r.code, 0, r.stderr);
    const sent = requests(r.stderr);
    if (v120) {
      assert.ok(sent.includes("GET /api?timeout=32s"), sent.join("\n"));
      assert.ok(sent.includes("GET /apis/apps/v1?timeout=32s"), sent.join("\n"));
      assert.ok(sent.includes("GET /apis/batch/v1?timeout=32s"), sent.join("\n"));
    } else {
      assert.ok(sent.includes("GET /api?timeout=32s"), sent.join("\n"));
      assert.ok(sent.includes("GET /apis?timeout=32s"), sent.join("\n"));
      assert.ok(!sent.some((s) => s.startsWith("GET /apis/apps/v1?")), sent.join("\n"));
    }
  });

  test("get --watch prints a row per event", async () => {
    const watch = kubectl.start(["get", "cm", "-l", "watched", "-w", "--output-watch-events", "-v=6"]);
    try {
      // Once the list is answered kubectl watches from its resourceVersion, so nothing is missed.
      await watch.waitFor(/GET https:\S+\/configmaps\?labelSelector=watched&limit=500 200/);
      await ok(
        "create",
        "-f",
        file("watched.yaml", cm("watched", '  labels: {watched: "yes"}\ndata: {a: b}\n')),
      );
      await watch.waitFor(/^ADDED\s+watched\s+1\s+\S+$/m);
      await ok("patch", "cm", "watched", "--type", "merge", "-p", '{"data":{"c":"d"}}');
      await watch.waitFor(/^MODIFIED\s+watched\s+2\s+\S+$/m);
      await ok("delete", "cm", "watched");
      await watch.waitFor(/^DELETED\s+watched\s+2\s+\S+$/m);
    } finally {
      await watch.stop();
    }
    assert.match(watch.stdout, /^EVENT\s+NAME\s+DATA\s+AGE$/m);
  });

  test("delete --cascade=orphan|foreground|background is recorded on the owner", async () => {
    for (const name of ["c-orphan", "c-foreground", "c-background"])
      await ok("create", "-f", file(`${name}.yaml`, cm(name)));
    // No garbage collector runs yet, so orphan/foreground owners stay with their finalizer.
    const deleted = await Promise.all(
      ["orphan", "foreground", "background"].map((kind) =>
        ok("delete", "cm", `c-${kind}`, `--cascade=${kind}`, "--wait=false"),
      ),
    );
    for (const out of deleted) assert.match(out, /^configmap "c-\w+" deleted$/m);
    const left = await ok(
      "get",
      "cm",
      "-o",
      "jsonpath={range .items[*]}{.metadata.name} {.metadata.finalizers} {.metadata.deletionTimestamp}{'\\n'}{end}",
    );
    assert.match(left, /^c-orphan \["orphan"\] \d{4}-\d\d-\d\dT\S+Z$/m);
    assert.match(left, /^c-foreground \["foregroundDeletion"\] \d{4}-\d\d-\d\dT\S+Z$/m);
    assert.doesNotMatch(left, /c-background/);
    // Deleting again with another policy swaps the GC finalizer (as the real registry does);
    // background needs none, so the orphan owner goes at once.
    await ok("delete", "cm", "c-foreground", "--cascade=orphan", "--wait=false");
    assert.equal(
      await ok("get", "cm", "c-foreground", "-o", "jsonpath={.metadata.finalizers}"),
      '["orphan"]',
    );
    await ok("delete", "cm", "c-orphan", "--cascade=background", "--wait=false");
    // Dropping the finalizer by hand lets the other deletion finish.
    await ok("patch", "cm", "c-foreground", "--type", "merge", "-p", '{"metadata":{"finalizers":null}}');
    const gone = await kubectl.run([
      "get",
      "cm",
      "c-orphan",
      "c-foreground",
      "--ignore-not-found",
      "-o",
      "name",
    ]);
    assert.equal(gone.stdout, "");
  });

  test("delete waits (list + watch) until a held object goes", async () => {
    await ok("create", "-f", file("held.yaml", cm("held", "  finalizers: [example.com/hold]\n")));
    const del = kubectl.start(["delete", "cm", "held", "-v=6"]);
    let result: Awaited<ReturnType<typeof del.finished>>;
    try {
      // -v=6 logs a request when its response headers arrive, so the list line means kubectl
      // is about to watch from the list's resourceVersion; releasing the object now is safe.
      await del.waitFor(/GET https:\S+\/configmaps\?fieldSelector=metadata.name%3Dheld\S* 200/);
      assert.match(await ok("get", "cm", "held", "-o", "jsonpath={.metadata.deletionTimestamp}"), /^\d{4}-/);
      await ok(
        "patch",
        "cm",
        "held",
        "--type",
        "json",
        "-p",
        '[{"op":"remove","path":"/metadata/finalizers"}]',
      );
      result = await del.finished();
    } finally {
      await del.stop();
    }
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^configmap "held" deleted$/m);
    const sent = requests(result.stderr);
    const watchRequest = sent.find((s) => s.includes("watch=true"));
    assert.ok(watchRequest, sent.join("\n"));
    if (v120) {
      // 1.20: list by name (no limit, no resourceVersion=0), then a watch without bookmarks.
      assert.ok(
        sent.includes("GET /api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dheld"),
        sent.join("\n"),
      );
      assert.doesNotMatch(watchRequest, /allowWatchBookmarks|timeoutSeconds/);
    } else {
      assert.ok(sent.includes("GET /api/v1/namespaces/default/configmaps/held"), sent.join("\n"));
      assert.match(watchRequest, /allowWatchBookmarks=true/);
      assert.match(watchRequest, /timeoutSeconds=\d+/);
    }
    const r = await kubectl.run(["get", "cm", "held"]);
    assert.match(r.stderr, /configmaps "held" not found/);
  });

  test("apply --server-side creates, updates and reports conflicts", {
    todo: "main answers application/apply-patch+yaml with 415/404: SSA is not wired into REST yet (ssa branch)",
  }, async () => {
    const path = file("ssa.yaml", cm("ssa", "data: {k: one}\n"));
    assert.match(await ok("apply", "--server-side", "-f", path), /^configmap\/ssa serverside-applied$/m);
    file("ssa.yaml", cm("ssa", "data: {k: two}\n"));
    assert.match(await ok("apply", "--server-side", "-f", path), /^configmap\/ssa serverside-applied$/m);
    assert.equal(await ok("get", "cm", "ssa", "-o", "jsonpath={.data.k}"), "two");
    const other = await kubectl.run([
      "apply",
      "--server-side",
      "--field-manager=other",
      "-f",
      file("ssa2.yaml", cm("ssa", "data: {k: three}\n")),
    ]);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.data\.k/);
    await ok("delete", "cm", "ssa");
  });

  test("delete -f removes what create -f made", async () => {
    const out = await ok("delete", "-f", join(ctx.server.dir.path, "app.yaml"));
    assert.match(out, /^configmap "settings" deleted$/m);
    assert.match(out, /^deployment.apps "web" deleted$/m);
    assert.match(out, /^service "web" deleted$/m);
    const r = await kubectl.run(["get", "deploy", "web"]);
    assert.match(r.stderr, /deployments.apps "web" not found/);
  });
}
