import assert from "node:assert/strict";
import { test } from "node:test";
import {
  firstMatch,
  hostMatches,
  type PathRoute,
  pathMatches,
  prefixMatches,
  requestHost,
  requestPath,
  sortRoutes,
  wildcardFor,
} from "./match.ts";

test("the request host loses its port, trailing dot and case", () => {
  assert.equal(requestHost("Foo.Example.com:8080"), "foo.example.com");
  assert.equal(requestHost("foo.example.com."), "foo.example.com");
  assert.equal(requestHost("[::1]:80"), "[::1]");
  assert.equal(requestHost(undefined), "");
});

test("a wildcard host covers exactly one more label", () => {
  assert.ok(hostMatches("*.foo.com", "bar.foo.com"));
  assert.ok(!hostMatches("*.foo.com", "baz.bar.foo.com"));
  assert.ok(!hostMatches("*.foo.com", "foo.com"));
  assert.ok(hostMatches("Foo.com", "foo.com"));
  assert.ok(!hostMatches("foo.com", "bar.foo.com"));
  assert.equal(wildcardFor("a.b.c"), "*.b.c");
  assert.equal(wildcardFor("localhost"), undefined);
});

test("Prefix matches whole path elements and ignores a trailing slash", () => {
  // The table of examples in the Ingress documentation.
  assert.ok(prefixMatches("/", "/anything"));
  assert.ok(prefixMatches("/foo", "/foo"));
  assert.ok(prefixMatches("/foo", "/foo/"));
  assert.ok(prefixMatches("/foo/", "/foo"));
  assert.ok(prefixMatches("/foo/", "/foo/"));
  assert.ok(prefixMatches("/aaa/bb", "/aaa/bb/ccc"));
  assert.ok(!prefixMatches("/aaa/bb", "/aaa/bbb"));
  assert.ok(!prefixMatches("/aaa/bbb", "/aaa/bb"));
  assert.ok(!prefixMatches("/foo", "/foobar"));
});

test("Exact matches the path string only, case and slash included", () => {
  assert.ok(pathMatches("Exact", "/foo", "/foo"));
  assert.ok(!pathMatches("Exact", "/foo", "/foo/"));
  assert.ok(!pathMatches("Exact", "/foo", "/FOO"));
  assert.equal(requestPath("/foo?x=1"), "/foo");
});

test("the longest path wins, and Exact beats Prefix at equal length", () => {
  const routes: PathRoute<string>[] = [
    { path: "/", kind: "Prefix", backend: "root" },
    { path: "/foo", kind: "Prefix", backend: "foo-prefix" },
    { path: "/foo", kind: "Exact", backend: "foo-exact" },
    { path: "/foo/bar", kind: "Prefix", backend: "foobar" },
    { path: "/foo", kind: "Prefix", backend: "foo-prefix-newer" },
  ];
  const sorted = sortRoutes(routes);
  assert.equal(firstMatch(sorted, "/foo")?.backend, "foo-exact");
  assert.equal(firstMatch(sorted, "/foo/")?.backend, "foo-prefix", "the older of two equal rules");
  assert.equal(firstMatch(sorted, "/foo/bar/baz")?.backend, "foobar");
  assert.equal(firstMatch(sorted, "/other")?.backend, "root");
  assert.equal(firstMatch(sortRoutes(routes.slice(1)), "/other"), undefined);
});
