// The restricted level of the Pod Security Standards at "latest": no privilege escalation,
// capabilities dropped, only ephemeral-safe volume types, non-root users and a seccomp profile.
import type { PodSpec } from "kubernetes-types/core/v1.js";
import type { Check, CheckResult } from "./helpers.ts";
import { allowed, containersPhrase, joinQuote, pluralize, sortedSet, visitContainers } from "./helpers.ts";

const fail = (reason: string, detail: string): CheckResult => ({ allowed: false, reason, detail });
const allowedVolumeTypes = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);
const volumeSourceKeys = [
  "awsElasticBlockStore",
  "azureDisk",
  "azureFile",
  "cephfs",
  "cinder",
  "fc",
  "flexVolume",
  "flocker",
  "gcePersistentDisk",
  "gitRepo",
  "glusterfs",
  "hostPath",
  "image",
  "iscsi",
  "nfs",
  "photonPersistentDisk",
  "portworxVolume",
  "quobyte",
  "rbd",
  "scaleIO",
  "storageos",
  "vsphereVolume",
];

/** Whether containers and pod together say `field` is fine; the wording upstream uses for both. */
function podOrContainers(
  spec: PodSpec,
  o: {
    podValue: unknown;
    containerValue: (c: NonNullable<PodSpec["containers"]>[number]) => unknown;
    good: (v: unknown) => boolean;
  },
): { setters: string[]; badValues: Set<string>; implicit: string[] } {
  const setters: string[] = [];
  const badValues = new Set<string>();
  let podGood = false;
  if (o.podValue !== undefined && o.podValue !== null) {
    if (o.good(o.podValue)) podGood = true;
    else {
      setters.push("pod");
      badValues.add(String(o.podValue));
    }
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  visitContainers(spec, (c) => {
    const v = o.containerValue(c);
    if (v !== undefined && v !== null) {
      if (!o.good(v)) {
        explicit.push(c.name);
        badValues.add(String(v));
      }
    } else if (!podGood) implicit.push(c.name);
  });
  if (explicit.length > 0) setters.push(containersPhrase(explicit));
  return { setters, badValues, implicit };
}

export const restrictedChecks: Check[] = [
  {
    id: "allowPrivilegeEscalation",
    level: "restricted",
    check(_meta, spec) {
      // Windows pods cannot set it; Skiff runs Linux pods only.
      const bad: string[] = [];
      visitContainers(spec, (c) => {
        if (c.securityContext?.allowPrivilegeEscalation !== false) bad.push(c.name);
      });
      if (bad.length === 0) return allowed;
      return fail(
        "allowPrivilegeEscalation != false",
        `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`,
      );
    },
  },
  {
    id: "capabilities_restricted",
    level: "restricted",
    overrides: ["capabilities_baseline"],
    check(_meta, spec) {
      const missingDrop: string[] = [];
      const adding: string[] = [];
      const caps = new Set<string>();
      visitContainers(spec, (c) => {
        const capabilities = c.securityContext?.capabilities;
        if (!capabilities) {
          missingDrop.push(c.name);
          return;
        }
        if (!(capabilities.drop ?? []).includes("ALL")) missingDrop.push(c.name);
        const forbidden = (capabilities.add ?? []).filter((x) => x !== "NET_BIND_SERVICE");
        for (const x of forbidden) caps.add(x);
        if (forbidden.length > 0) adding.push(c.name);
      });
      const details: string[] = [];
      if (missingDrop.length > 0)
        details.push(`${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
      if (adding.length > 0) {
        details.push(
          `${containersPhrase(adding)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`,
        );
      }
      return details.length === 0 ? allowed : fail("unrestricted capabilities", details.join("; "));
    },
  },
  {
    id: "restrictedVolumes",
    level: "restricted",
    overrides: ["hostPathVolumes"],
    check(_meta, spec) {
      const bad: string[] = [];
      const types = new Set<string>();
      for (const v of spec.volumes ?? []) {
        const record = v as unknown as Record<string, unknown>;
        const used = Object.keys(record).filter((k) => k !== "name" && record[k] !== undefined);
        if (used.every((k) => allowedVolumeTypes.has(k))) continue;
        bad.push(v.name);
        const known = used.find((k) => volumeSourceKeys.includes(k));
        types.add(known ?? "unknown");
      }
      if (bad.length === 0) return allowed;
      return fail(
        "restricted volume types",
        `${pluralize("volume", "volumes", bad.length)} ${joinQuote(bad)} ${pluralize("uses", "use", bad.length)} ${pluralize("restricted volume type", "restricted volume types", types.size)} ${joinQuote(sortedSet(types))}`,
      );
    },
  },
  {
    id: "runAsNonRoot",
    level: "restricted",
    check(_meta, spec) {
      if (spec.hostUsers === false) return allowed;
      const r = podOrContainers(spec, {
        podValue: spec.securityContext?.runAsNonRoot,
        containerValue: (c) => c.securityContext?.runAsNonRoot,
        good: (v) => v === true,
      });
      if (r.setters.length > 0)
        return fail(
          "runAsNonRoot != true",
          `${r.setters.join(" and ")} must not set securityContext.runAsNonRoot=false`,
        );
      if (r.implicit.length > 0) {
        return fail(
          "runAsNonRoot != true",
          `pod or ${containersPhrase(r.implicit)} must set securityContext.runAsNonRoot=true`,
        );
      }
      return allowed;
    },
  },
  {
    id: "runAsUser",
    level: "restricted",
    check(_meta, spec) {
      if (spec.hostUsers === false) return allowed;
      const setters: string[] = [];
      if (spec.securityContext?.runAsUser === 0) setters.push("pod");
      const bad: string[] = [];
      visitContainers(spec, (c) => {
        if (c.securityContext?.runAsUser === 0) bad.push(c.name);
      });
      if (bad.length > 0) setters.push(containersPhrase(bad));
      if (setters.length === 0) return allowed;
      return fail("runAsUser=0", `${setters.join(" and ")} must not set runAsUser=0`);
    },
  },
  {
    id: "seccompProfile_restricted",
    level: "restricted",
    overrides: ["seccompProfile_baseline"],
    check(_meta, spec) {
      const r = podOrContainers(spec, {
        podValue: spec.securityContext?.seccompProfile?.type,
        containerValue: (c) => c.securityContext?.seccompProfile?.type,
        good: (v) => v === "RuntimeDefault" || v === "Localhost",
      });
      if (r.setters.length > 0) {
        return fail(
          "seccompProfile",
          `${r.setters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(r.badValues))}`,
        );
      }
      if (r.implicit.length > 0) {
        return fail(
          "seccompProfile",
          `pod or ${containersPhrase(r.implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
        );
      }
      return allowed;
    },
  },
];
