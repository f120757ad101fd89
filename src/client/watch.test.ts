import assert from "node:assert/strict";
import { it } from "node:test";
import { GoneError } from "../api/errors.ts";
import { decodeWatchLine, LineSplitter } from "./watch.ts";

it("splits chunks into lines across arbitrary boundaries", () => {
  const lines: string[] = [];
  const s = new LineSplitter();
  for (const chunk of ['{"a":', '1}\n{"b"', ":2}\n\n", '{"c":3}']) s.push(chunk, (l) => lines.push(l));
  assert.deepEqual(lines, ['{"a":1}', '{"b":2}']);
  s.push("\n", (l) => lines.push(l));
  assert.deepEqual(lines.at(-1), '{"c":3}');
});

it("decodes object events and turns ERROR into a typed error", () => {
  const added = decodeWatchLine('{"type":"ADDED","object":{"metadata":{"name":"x","resourceVersion":"7"}}}');
  assert.equal(added?.type, "ADDED");
  const gone = decodeWatchLine(
    '{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}}',
  );
  assert.equal(gone?.type, "ERROR");
  assert.ok(gone?.type === "ERROR" && gone.error instanceof GoneError);
  assert.equal(decodeWatchLine("not json"), undefined);
  assert.equal(decodeWatchLine('{"type":"WHATEVER","object":{}}'), undefined);
});
