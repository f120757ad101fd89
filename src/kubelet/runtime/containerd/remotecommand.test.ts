import assert from "node:assert/strict";
import { test } from "node:test";
import { exitCodeOfStatus } from "./remotecommand.ts";

test("the v4 status channel gives the exit code", () => {
  assert.equal(exitCodeOfStatus('{"metadata":{},"status":"Success"}'), 0);
  const failure = {
    metadata: {},
    status: "Failure",
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: "7" }] },
  };
  assert.equal(exitCodeOfStatus(JSON.stringify(failure)), 7);
  assert.equal(exitCodeOfStatus('{"status":"Failure","message":"container not found"}'), 1);
  assert.equal(exitCodeOfStatus("not json"), 1);
});
