import assert from "node:assert/strict";
import { test } from "node:test";
import type { PodSpec } from "kubernetes-types/core/v1.js";
import { evaluatePod, levelFor, reasons } from "./policy.ts";

const restricted = { level: "restricted", version: "latest" } as const;
const baseline = { level: "baseline", version: "latest" } as const;
const plain: PodSpec = { containers: [{ name: "c", image: "nginx" }] };

test("a plain pod violates restricted with upstream's four reasons, in upstream's order", () => {
  assert.equal(
    reasons(evaluatePod(restricted, {}, plain)),
    'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ' +
      'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ' +
      'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
      'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  );
  assert.deepEqual(evaluatePod(baseline, {}, plain), []);
});

test("a compliant pod passes restricted", () => {
  const spec: PodSpec = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [
      {
        name: "c",
        image: "nginx",
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
        },
      },
    ],
    volumes: [
      { name: "t", projected: { sources: [] } },
      { name: "e", emptyDir: {} },
    ],
  };
  assert.deepEqual(evaluatePod(restricted, {}, spec), []);
});

test("baseline: host namespaces, privileged, capabilities, hostPath, hostPorts, sysctls, procMount", () => {
  const spec: PodSpec = {
    hostNetwork: true,
    hostPID: true,
    securityContext: {
      sysctls: [
        { name: "kernel.msgmax", value: "1" },
        { name: "net.ipv4.tcp_syncookies", value: "1" },
      ],
      seccompProfile: { type: "Unconfined" },
    },
    containers: [
      {
        name: "a",
        image: "x",
        securityContext: {
          privileged: true,
          capabilities: { add: ["NET_ADMIN", "CHOWN"] },
          procMount: "Unmasked",
        },
        ports: [{ containerPort: 80, hostPort: 8080 }],
      },
      {
        name: "b",
        image: "x",
        securityContext: { privileged: true },
        ports: [{ containerPort: 1, hostPort: 80 }],
      },
    ],
    volumes: [{ name: "h", hostPath: { path: "/" } }],
  };
  assert.equal(
    reasons(evaluatePod(baseline, {}, spec)),
    'non-default capabilities (container "a" must not include "NET_ADMIN" in securityContext.capabilities.add), ' +
      "host namespaces (hostNetwork=true, hostPID=true), " +
      'hostPath volumes (volume "h"), ' +
      'hostPort (containers "a", "b" use hostPorts 80, 8080), ' +
      'privileged (containers "a", "b" must not set securityContext.privileged=true), ' +
      'procMount (container "a" must not set securityContext.procMount to "Unmasked"), ' +
      'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined"), ' +
      "forbidden sysctls (kernel.msgmax)",
  );
  // restricted replaces the baseline hostPath and seccomp checks with its own.
  const r = reasons(evaluatePod(restricted, {}, spec));
  assert.match(r, /restricted volume types \(volume "h" uses restricted volume type "hostPath"\)/);
  assert.doesNotMatch(r, /hostPath volumes/);
});

test("namespace labels pick level and version; unknown levels fail closed", () => {
  const labels = {
    "pod-security.kubernetes.io/enforce": "baseline",
    "pod-security.kubernetes.io/enforce-version": "v1.30",
    "pod-security.kubernetes.io/warn": "bogus",
  };
  assert.deepEqual(levelFor(labels, "enforce"), { level: "baseline", version: "v1.30" });
  assert.deepEqual(levelFor(labels, "warn"), { level: "restricted", version: "latest" });
  assert.equal(levelFor(labels, "audit"), undefined);
  // capabilities_restricted exists from v1.22 only.
  const old = reasons(evaluatePod({ level: "restricted", version: "v1.21" }, {}, plain), false);
  assert.equal(old, "allowPrivilegeEscalation != false, runAsNonRoot != true, seccompProfile");
});
