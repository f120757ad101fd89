import assert from "node:assert/strict";
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { StaticPodSource, staticPodFromManifest } from "./static-pods.ts";

const manifest =
  "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - {name: c, image: busybox:1}\n";

test("a manifest becomes <name>-<node> in default, bound to the node, with a content uid", () => {
  const p = staticPodFromManifest(manifest, "/m/web.yaml", "n1", "now");
  assert.equal(p.metadata?.name, "web-n1");
  assert.equal(p.metadata?.namespace, "default");
  assert.equal(p.spec?.nodeName, "n1");
  assert.equal(p.metadata?.annotations?.["kubernetes.io/config.source"], "file");
  assert.equal(p.metadata?.annotations?.["kubernetes.io/config.hash"], p.metadata?.uid);
  const other = staticPodFromManifest(manifest.replace("busybox:1", "busybox:2"), "/m/web.yaml", "n1", "now");
  assert.notEqual(other.metadata?.uid, p.metadata?.uid);
  assert.throws(
    () => staticPodFromManifest("kind: Service\n", "/m/x.yaml", "n1", "now"),
    /not a Pod manifest/,
  );
});

test("files that appear, change and go are reported; dotfiles are ignored", () => {
  const dir = mkdtempSync(join(tmpdir(), "static-"));
  const changes: string[][] = [];
  const errors: string[] = [];
  const source = new StaticPodSource({
    dir,
    nodeName: "n1",
    onChange: (keys) => changes.push(keys),
    onError: (err) => errors.push(String(err)),
  });
  try {
    writeFileSync(join(dir, ".hidden.yaml"), "garbage: [");
    writeFileSync(join(dir, "web.yaml"), manifest);
    source.scan();
    assert.deepEqual(changes, [["default/web-n1"]]);
    assert.ok(source.get("default/web-n1"));
    source.scan();
    assert.equal(changes.length, 1, "an unchanged file is no change");
    unlinkSync(join(dir, "web.yaml"));
    source.scan();
    assert.deepEqual(changes[1], ["default/web-n1"]);
    assert.equal(source.get("default/web-n1"), undefined);
    assert.deepEqual(errors, []);
  } finally {
    source.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
