import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nameIsDnsLabel } from "../validation/names.ts";
import { boolField, column, containerCells, formatLabels, metaValidation } from "./define.ts";

describe("kind building blocks", () => {
  it("formats labels and containers like kubectl", () => {
    assert.equal(formatLabels({ b: "2", a: "1" }), "a=1,b=2");
    assert.equal(formatLabels({}), "<none>");
    assert.deepEqual(
      containerCells([
        { name: "a", image: "x" },
        { name: "b", image: "y:1" },
      ]),
      ["a,b", "x,y:1"],
    );
    assert.equal(boolField(undefined), "false");
  });

  it("builds columns with wide priority", () => {
    assert.deepEqual(column("IP", "d", { wide: true }), {
      name: "IP",
      type: "string",
      format: "",
      description: "d",
      priority: 1,
    });
  });

  it("validates metadata per kind and only identity on update", () => {
    const meta = metaValidation(false, nameIsDnsLabel);
    assert.deepEqual(meta.create({ name: "ok" }), []);
    assert.equal(meta.create({ name: "not.ok" })[0]?.field, "metadata.name");
    assert.deepEqual(meta.update({ name: "ok", labels: { a: "b" } }, { name: "ok" }), []);
  });
});
