// The malformed-input suite as a reusable function (SQLite and etcd runs): fifty malformed
// manifests through real kubectl, one by one and as one multi-document YAML; each gets a clear
// error, the server stays up, and nothing of them is stored. Raw malformed bodies get 400, never 500.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { malformedManifests } from "./malformed-manifests.ts";
import { SkiffServer, type TestDatastore } from "./skiff-server.ts";

/** Runs `work` over `items` with at most `limit` in flight (kubectl processes on 2 cores). */
async function pool<T, R>(
  items: T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const clearError = /^(Error from server \(\w+\)|The \w+ "[^"]*" is invalid|error: )/m;
const kinds = ["cm,deploy,svc,ns,secrets,jobs,roles", "-A", "-o", "name"];

export function describeMalformedSuite(options: { datastore: TestDatastore }): void {
  const server = new SkiffServer({ datastore: options.datastore, apiOnly: true });
  describe(`malformed input against skiff server on ${options.datastore}`, () => {
    before(async () => {
      await server.start();
    });
    after(async () => {
      assert.equal(await server.stop(), 0);
    });

    test("fifty malformed manifests each fail clearly and store nothing", async () => {
      assert.equal(malformedManifests.length, 50);
      const before = await server.kubectl(["get", ...kinds]);
      const problems = await pool(malformedManifests, 4, async (doc, i) => {
        const path = join(server.dir.path, `bad-${i}.yaml`);
        writeFileSync(path, doc);
        const r = await server.kubectl(["create", "-f", path]);
        if (r.code === 0) {
          await server.kubectl(["delete", "-f", path, "--wait=false"]);
          return `manifest ${i} was accepted:\n${doc}`;
        }
        if (!clearError.test(r.stderr)) return `manifest ${i}: unclear error ${r.stderr}`;
        if (/InternalError|Internal error/.test(r.stderr)) return `manifest ${i}: ${r.stderr}`;
        return "";
      });
      assert.ok(server.alive, "server died on a malformed manifest");
      assert.deepEqual(
        problems.filter((p) => p !== ""),
        [],
      );
      const afterAll = await server.kubectl(["get", ...kinds]);
      assert.equal(afterAll.stdout, before.stdout, "nothing partial stored");
    });

    test("one YAML with all fifty documents: kubectl reports every one and creates none", async () => {
      const path = join(server.dir.path, "all-bad.yaml");
      writeFileSync(path, malformedManifests.join("---\n"));
      const before = await server.kubectl(["get", ...kinds]);
      const r = await server.kubectl(["create", "-f", path]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "", "nothing was created");
      // kubectl sends every document it can decode and prints one error per refusal; a document
      // it cannot decode itself (a YAML 1.1 boolean as a label value) is reported as such.
      const refused =
        r.stderr.match(/^Error from server \((Invalid|BadRequest|NotFound)\): error when creating /gm) ?? [];
      const undecodable = r.stderr.match(/unable to decode "[^"]*all-bad\.yaml"/g) ?? [];
      assert.equal(refused.length + undecodable.length, 50, r.stderr);
      assert.doesNotMatch(r.stderr, /InternalError|Internal error/);
      assert.ok(server.alive);
      const afterAll = await server.kubectl(["get", ...kinds]);
      assert.equal(afterAll.stdout, before.stdout);
    });

    test("raw malformed bodies are 400, never 500", async () => {
      const bodies = [
        "{",
        "[]",
        "null",
        "\u0000\u0001",
        '{"metadata": 5}',
        '{"metadata": {"name": 7}}',
        '{"kind": 3}',
        "a: [",
        "- 1\n- 2",
      ];
      for (const [i, body] of bodies.entries()) {
        const path = join(server.dir.path, `raw-${i}.txt`);
        writeFileSync(path, body);
        const r = await server.kubectl([
          "create",
          "--raw",
          "/api/v1/namespaces/default/configmaps",
          "-f",
          path,
        ]);
        assert.notEqual(r.code, 0, `raw body ${JSON.stringify(body)} accepted`);
        assert.match(
          r.stderr,
          /BadRequest|Invalid|invalid|UnsupportedMediaType/,
          `raw body ${JSON.stringify(body)}: ${r.stderr}`,
        );
        assert.ok(server.alive);
      }
    });
  });
}
