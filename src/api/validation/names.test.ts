import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  isConfigMapKey,
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidIp,
  isValidLabelValue,
  isValidPortName,
  nameIsDnsSubdomain,
} from "./names.ts";

describe("name validation", () => {
  it("uses Kubernetes' subdomain message", () => {
    assert.deepEqual(isDns1123Subdomain("example.com"), []);
    assert.deepEqual(isDns1123Subdomain("Invalid_Name"), [
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
    assert.deepEqual(isDns1123Subdomain("a".repeat(254)), ["must be no more than 253 characters"]);
  });

  it("checks labels with two examples", () => {
    assert.deepEqual(isDns1123Label("my-name"), []);
    assert.deepEqual(isDns1123Label("a.b"), [
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
    assert.equal(isDns1123Label("a".repeat(64)).length, 1);
    assert.equal(isDns1035Label("1abc").length, 1);
    assert.deepEqual(isDns1035Label("abc-1"), []);
  });

  it("checks qualified names and label values", () => {
    assert.deepEqual(isQualifiedName("app.kubernetes.io/name"), []);
    assert.deepEqual(isQualifiedName("/x"), ["prefix part must be non-empty"]);
    assert.equal(isQualifiedName("a/b/c").length, 1);
    assert.match(isQualifiedName("-bad")[0] ?? "", /^name part must consist of alphanumeric/);
    assert.deepEqual(isValidLabelValue(""), []);
    assert.deepEqual(isValidLabelValue("v1.2_3"), []);
    assert.equal(isValidLabelValue("bad value").length, 1);
  });

  it("checks port names, env names, config keys, IPs", () => {
    assert.deepEqual(isValidPortName("http"), []);
    assert.deepEqual(isValidPortName("80"), ["must contain at least one letter (a-z)"]);
    assert.ok(isValidPortName("a--b").includes("must not contain consecutive hyphens"));
    assert.deepEqual(isEnvVarName("MY_VAR"), []);
    assert.equal(isEnvVarName("1VAR").length, 1);
    assert.deepEqual(isConfigMapKey("app.properties"), []);
    assert.equal(isConfigMapKey("a/b").length, 1);
    assert.deepEqual(isConfigMapKey(".."), ["must not be '..'"]);
    assert.deepEqual(isValidIp("10.96.0.1"), []);
    assert.deepEqual(isValidIp("fd00::1"), []);
    assert.equal(isValidIp("10.96.0.256").length, 1);
  });

  it("lets generateName prefixes end in a dash", () => {
    assert.deepEqual(nameIsDnsSubdomain("web-", true), []);
    assert.equal(nameIsDnsSubdomain("web-", false).length, 1);
  });
});
