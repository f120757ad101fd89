import assert from "node:assert/strict";
import { test } from "node:test";
import type { ApiRequest } from "../http/sink.ts";
import { parseRequestInfo } from "../requestinfo.ts";
import { reportedVerb } from "./requests.ts";

function verbOf(method: string, path: string, contentType?: string): string {
  const req: ApiRequest = {
    method,
    url: path,
    headers: contentType ? { "content-type": contentType } : {},
    body: [],
  };
  return reportedVerb(req, parseRequestInfo(method, new URL(path, "http://x.invalid")));
}

test("verbs are reported as Kubernetes reports them", () => {
  assert.equal(verbOf("GET", "/api/v1/namespaces/default/pods"), "LIST");
  assert.equal(verbOf("GET", "/api/v1/namespaces/default/pods?watch=true"), "WATCH");
  assert.equal(verbOf("GET", "/api/v1/namespaces/default/pods/p"), "GET");
  assert.equal(verbOf("POST", "/api/v1/namespaces/default/pods"), "POST");
  assert.equal(verbOf("PUT", "/api/v1/namespaces/default/pods/p"), "PUT");
  assert.equal(verbOf("PATCH", "/api/v1/namespaces/default/pods/p", "application/merge-patch+json"), "PATCH");
  assert.equal(verbOf("PATCH", "/api/v1/namespaces/default/pods/p", "application/apply-patch+yaml"), "APPLY");
  assert.equal(verbOf("DELETE", "/api/v1/namespaces/default/pods"), "DELETECOLLECTION");
  assert.equal(verbOf("POST", "/api/v1/namespaces/default/pods/p/exec"), "CONNECT");
  assert.equal(verbOf("GET", "/metrics"), "GET");
});
