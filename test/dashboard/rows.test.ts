// The dashboard's Table rows: cells by column, identity from metadata or the request's scope,
// the row set's binding of rows listed without namespace to watch events, and health from cells.
import assert from "node:assert/strict";
import { test } from "node:test";
import { rowHealth, shownColumns } from "../../src/dashboard/app/row-health.ts";
import { type Column, type Row, RowSet, rowsOf, type TableJson } from "../../src/dashboard/app/rows.ts";

const columns: Column[] = [
  { name: "Name", priority: 0 },
  { name: "Ready", priority: 0 },
  { name: "Status", priority: 0 },
  { name: "Age", priority: 0 },
  { name: "IP", priority: 1 },
  { name: "Nominated Node", priority: 1 },
];

const lean = (name: string, status = "Running"): TableJson => ({
  rows: [{ cells: [name, "1/1", status, "5m", "10.0.0.1", "<none>"] }],
});

const withMeta = (namespace: string, name: string, status = "Running"): TableJson => ({
  rows: [
    {
      cells: [name, "1/1", status, "5m", "10.0.0.1", "<none>"],
      object: { metadata: { name, namespace, uid: `${namespace}-${name}`, resourceVersion: "7" } },
    },
  ],
});

const one = (t: TableJson, ns: string | null): Row => {
  const r = rowsOf(t, columns, ns)[0];
  assert.ok(r);
  return r;
};

test("rows: cells by column name; identity from metadata, else from the request's scope", () => {
  const r = one(withMeta("shop", "web-0"), null);
  assert.deepEqual([r.name, r.namespace, r.uid, r.resourceVersion], ["web-0", "shop", "shop-web-0", "7"]);
  assert.equal(r.cells.Status, "Running");
  assert.equal(r.cells["Nominated Node"], "<none>");
  assert.deepEqual([one(lean("a"), "dev").namespace, one(lean("a"), null).namespace], ["dev", null]);
  // Numbers (a ConfigMap's Data) print as text; missing cells are empty.
  const cm = rowsOf({ rows: [{ cells: ["c", 3] }] }, columns, "")[0];
  assert.deepEqual([cm?.cells.Ready, cm?.cells.Status], ["3", ""]);
});

test("row set: watch events find the one listed row of their name; ADDED is always new", () => {
  const set = new RowSet();
  for (const n of ["a", "b", "c"]) set.listed(one(lean(n), null));
  assert.equal(set.size, 3);
  // A new pod named like a listed one, elsewhere: ADDED, so both stay.
  set.apply("ADDED", one(withMeta("prod", "a"), null));
  assert.equal(set.size, 4);
  // MODIFIED of b, which the set holds only by name: it is the listed b.
  set.apply("MODIFIED", one(withMeta("dev", "b", "Failed"), null));
  assert.equal(set.size, 4);
  assert.equal(set.rows().find((r) => r.name === "b")?.cells.Status, "Failed");
  set.apply("DELETED", one(withMeta("dev", "c"), null));
  set.apply("DELETED", one(withMeta("prod", "a"), null));
  assert.deepEqual(
    set.rows().map((r) => `${r.namespace}/${r.name}`),
    ["null/a", "dev/b"],
  );
  assert.equal(set.ambiguous, false);
});

test("row set: two listed rows of one name cannot be told apart, so the set asks for metadata", () => {
  const set = new RowSet();
  set.listed(one(lean("web-0"), null));
  set.listed(one(lean("web-0"), null));
  set.apply("MODIFIED", one(withMeta("prod", "web-0"), null));
  assert.equal(set.ambiguous, true);
  set.clear();
  assert.equal(set.size, 0);
  assert.equal(set.ambiguous, false);
});

test("row health and columns read like kubectl's printed cells", () => {
  const pod = (status: string, ready = "1/1"): Row => ({
    ...one(lean("p", status), ""),
    cells: { Status: status, Ready: ready },
  });
  assert.equal(rowHealth("pods", pod("Running")), "ok");
  assert.equal(rowHealth("pods", pod("Running", "0/1")), "warn");
  assert.equal(rowHealth("pods", pod("Init:0/1", "0/1")), "warn");
  assert.equal(rowHealth("pods", pod("CrashLoopBackOff", "0/1")), "bad");
  assert.equal(rowHealth("pods", pod("Completed", "0/1")), "ok");
  const cells = (c: Record<string, string>): Row => ({ ...pod("x"), cells: c });
  assert.equal(rowHealth("deployments", cells({ Ready: "1/3" })), "warn");
  assert.equal(rowHealth("deployments", cells({ Ready: "0/3" })), "bad");
  assert.equal(rowHealth("replicasets", cells({ Desired: "2", Ready: "2" })), "ok");
  assert.equal(rowHealth("nodes", cells({ Status: "Ready,SchedulingDisabled" })), "ok");
  assert.equal(rowHealth("nodes", cells({ Status: "NotReady" })), "bad");
  assert.equal(rowHealth("jobs", cells({ Status: "Failed" })), "bad");
  assert.equal(rowHealth("configmaps", cells({})), undefined);
  assert.deepEqual(shownColumns("pods", columns), ["Ready", "Status", "IP"]);
  assert.deepEqual(shownColumns("services", columns), ["Ready", "Status"]);
});
