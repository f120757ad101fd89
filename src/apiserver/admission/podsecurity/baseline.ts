// The baseline level of the Pod Security Standards (Kubernetes' pod-security-admission checks at
// "latest"): host namespaces, privileged, capabilities, hostPath, host ports, AppArmor,
// SELinux, /proc mount, seccomp, sysctls and Windows host processes.
import type { Check, CheckResult } from "./helpers.ts";
import { allowed, containersPhrase, joinQuote, pluralize, sortedSet, visitContainers } from "./helpers.ts";

const baselineCapabilities = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);
const allowedSysctls = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);
const seLinuxTypes = new Set(["", "container_t", "container_init_t", "container_kvm_t"]);
const appArmorAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/";

const fail = (reason: string, detail: string): CheckResult => ({ allowed: false, reason, detail });

export const baselineChecks: Check[] = [
  {
    id: "appArmorProfile",
    level: "baseline",
    check(meta, spec) {
      const setters: string[] = [];
      const values = new Set<string>();
      const ok = (t: string) => t === "RuntimeDefault" || t === "Localhost";
      const podType = spec.securityContext?.appArmorProfile?.type;
      if (podType !== undefined && !ok(podType)) {
        setters.push("pod");
        values.add(podType);
      }
      const bad: string[] = [];
      visitContainers(spec, (c) => {
        const t = c.securityContext?.appArmorProfile?.type;
        if (t !== undefined && !ok(t)) {
          bad.push(c.name);
          values.add(t);
        }
      });
      if (bad.length > 0) setters.push(containersPhrase(bad));
      const annotations = Object.entries(meta.annotations ?? {})
        .filter(
          ([k, v]) =>
            k.startsWith(appArmorAnnotationPrefix) &&
            v !== "" &&
            v !== "runtime/default" &&
            !v.startsWith("localhost/"),
        )
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .sort();
      const list = [...sortedSet(values), ...annotations];
      if (annotations.length > 0) setters.push(pluralize("annotation", "annotations", annotations.length));
      if (setters.length === 0) return allowed;
      return fail(
        pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", list.length),
        `${setters.join(" and ")} must not set AppArmor profile type to ${joinQuote(list)}`,
      );
    },
  },
  {
    id: "capabilities_baseline",
    level: "baseline",
    check(_meta, spec) {
      const bad: string[] = [];
      const caps = new Set<string>();
      visitContainers(spec, (c) => {
        let found = false;
        for (const cap of c.securityContext?.capabilities?.add ?? []) {
          if (!baselineCapabilities.has(cap)) {
            found = true;
            caps.add(cap);
          }
        }
        if (found) bad.push(c.name);
      });
      if (bad.length === 0) return allowed;
      return fail(
        "non-default capabilities",
        `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`,
      );
    },
  },
  {
    id: "hostNamespaces",
    level: "baseline",
    check(_meta, spec) {
      const set: string[] = [];
      if (spec.hostNetwork) set.push("hostNetwork=true");
      if (spec.hostPID) set.push("hostPID=true");
      if (spec.hostIPC) set.push("hostIPC=true");
      return set.length === 0 ? allowed : fail("host namespaces", set.join(", "));
    },
  },
  {
    id: "hostPathVolumes",
    level: "baseline",
    check(_meta, spec) {
      const names = (spec.volumes ?? []).filter((v) => v.hostPath).map((v) => v.name);
      if (names.length === 0) return allowed;
      return fail("hostPath volumes", `${pluralize("volume", "volumes", names.length)} ${joinQuote(names)}`);
    },
  },
  {
    id: "hostPorts",
    level: "baseline",
    check(_meta, spec) {
      const bad: string[] = [];
      const ports = new Set<string>();
      visitContainers(spec, (c) => {
        let found = false;
        for (const p of c.ports ?? []) {
          if (p.hostPort) {
            found = true;
            ports.add(String(p.hostPort));
          }
        }
        if (found) bad.push(c.name);
      });
      if (bad.length === 0) return allowed;
      return fail(
        "hostPort",
        `${containersPhrase(bad)} ${pluralize("uses", "use", bad.length)} ${pluralize("hostPort", "hostPorts", ports.size)} ${sortedSet(ports).join(", ")}`,
      );
    },
  },
  {
    id: "privileged",
    level: "baseline",
    check(_meta, spec) {
      const bad: string[] = [];
      visitContainers(spec, (c) => {
        if (c.securityContext?.privileged === true) bad.push(c.name);
      });
      if (bad.length === 0) return allowed;
      return fail("privileged", `${containersPhrase(bad)} must not set securityContext.privileged=true`);
    },
  },
  {
    id: "procMount",
    level: "baseline",
    check(_meta, spec) {
      // A pod in its own user namespace may unmask /proc (KEP-127).
      if (spec.hostUsers === false) return allowed;
      const bad: string[] = [];
      const values = new Set<string>();
      visitContainers(spec, (c) => {
        const m = c.securityContext?.procMount;
        if (m !== undefined && m !== "Default") {
          bad.push(c.name);
          values.add(m);
        }
      });
      if (bad.length === 0) return allowed;
      return fail(
        "procMount",
        `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(values))}`,
      );
    },
  },
  {
    id: "seLinuxOptions",
    level: "baseline",
    check(_meta, spec) {
      const setters: string[] = [];
      const types = new Set<string>();
      let user = false;
      let role = false;
      const valid = (o: { type?: string; user?: string; role?: string }): boolean => {
        let ok = true;
        if (!seLinuxTypes.has(o.type ?? "")) {
          ok = false;
          types.add(o.type ?? "");
        }
        if (o.user) [ok, user] = [false, true];
        if (o.role) [ok, role] = [false, true];
        return ok;
      };
      const podOptions = spec.securityContext?.seLinuxOptions;
      if (podOptions && !valid(podOptions)) setters.push("pod");
      const bad: string[] = [];
      visitContainers(spec, (c) => {
        const o = c.securityContext?.seLinuxOptions;
        if (o && !valid(o)) bad.push(c.name);
      });
      if (bad.length > 0) setters.push(containersPhrase(bad));
      if (setters.length === 0) return allowed;
      const data: string[] = [];
      // Upstream only words user and role when a type is also wrong.
      if (types.size > 0) {
        data.push(`${pluralize("type", "types", types.size)} ${joinQuote(sortedSet(types))}`);
        if (user) data.push("user may not be set");
        if (role) data.push("role may not be set");
      }
      return fail(
        "seLinuxOptions",
        `${setters.join(" and ")} set forbidden securityContext.seLinuxOptions: ${data.join("; ")}`,
      );
    },
  },
  {
    id: "seccompProfile_baseline",
    level: "baseline",
    check(_meta, spec) {
      const setters: string[] = [];
      const podType = spec.securityContext?.seccompProfile?.type;
      if (podType === "Unconfined") setters.push("pod");
      const bad: string[] = [];
      visitContainers(spec, (c) => {
        if (c.securityContext?.seccompProfile?.type === "Unconfined") bad.push(c.name);
      });
      if (bad.length > 0) setters.push(containersPhrase(bad));
      if (setters.length === 0) return allowed;
      return fail(
        "seccompProfile",
        `${setters.join(" and ")} must not set securityContext.seccompProfile.type to "Unconfined"`,
      );
    },
  },
  {
    id: "sysctls",
    level: "baseline",
    check(_meta, spec) {
      const bad = (spec.securityContext?.sysctls ?? [])
        .map((s) => s.name)
        .filter((n) => !allowedSysctls.has(n));
      return bad.length === 0 ? allowed : fail("forbidden sysctls", bad.join(", "));
    },
  },
  {
    id: "windowsHostProcess",
    level: "baseline",
    check(_meta, spec) {
      const setters: string[] = [];
      if (spec.securityContext?.windowsOptions?.hostProcess === true) setters.push("pod");
      const bad: string[] = [];
      visitContainers(spec, (c) => {
        if (c.securityContext?.windowsOptions?.hostProcess === true) bad.push(c.name);
      });
      if (bad.length > 0) setters.push(containersPhrase(bad));
      if (setters.length === 0) return allowed;
      return fail(
        "hostProcess",
        `${setters.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true`,
      );
    },
  },
];
