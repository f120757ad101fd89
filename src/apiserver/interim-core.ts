// INTERIM: minimal core/v1 kinds the server needs (namespaces, services, configmaps, secrets)
// until core-kinds registers the real ones in coreV1Resources; `withInterimCore` only adds the
// ones coreV1Resources does not provide yet. Delete this file when core-kinds is complete.
import { age } from "../api/duration.ts";
import { fieldErrors } from "../api/field.ts";
import { isPlainObject, type KubeObject } from "../api/object.ts";
import type { ResourceDef } from "../api/resource.ts";
import { dnsSubdomainErrors } from "./rest/meta.ts";

const nameColumn = {
  name: "Name",
  type: "string" as const,
  format: "name",
  description: "Name",
  priority: 0,
};
const ageColumn = { name: "Age", type: "string" as const, description: "Age", priority: 0 };

interface Port {
  name?: string;
  port?: number;
  protocol?: string;
  targetPort?: number | string;
  nodePort?: number;
}

function ports(obj: KubeObject): Port[] {
  const spec = obj.spec as { ports?: unknown } | undefined;
  return Array.isArray(spec?.ports) ? (spec.ports.filter(isPlainObject) as Port[]) : [];
}

const namespaces: ResourceDef = {
  group: "",
  version: "v1",
  resource: "namespaces",
  singular: "namespace",
  kind: "Namespace",
  namespaced: false,
  shortNames: ["ns"],
  hasStatus: true,
  strategy: {
    prepareForCreate(obj) {
      obj.status = { phase: "Active" };
    },
    table: {
      columns: [nameColumn, { name: "Status", type: "string", description: "phase", priority: 0 }, ageColumn],
      cells: (obj, now) => [
        obj.metadata?.name ?? "",
        (obj.status as { phase?: string } | undefined)?.phase ?? "",
        age(obj.metadata?.creationTimestamp, now),
      ],
    },
    fieldSelectors: { "status.phase": (obj) => (obj.status as { phase?: string } | undefined)?.phase },
  },
};

const services: ResourceDef = {
  group: "",
  version: "v1",
  resource: "services",
  singular: "service",
  kind: "Service",
  namespaced: true,
  shortNames: ["svc"],
  categories: ["all"],
  hasStatus: true,
  subresources: [{ name: "proxy", verbs: ["create", "delete", "get", "patch", "update"] }],
  strategy: {
    prepareForCreate(obj) {
      obj.status = { loadBalancer: {} };
    },
    defaults(obj) {
      if (!isPlainObject(obj.spec)) obj.spec = {};
      const spec = obj.spec as Record<string, unknown>;
      spec.type ??= "ClusterIP";
      spec.sessionAffinity ??= "None";
      spec.internalTrafficPolicy ??= "Cluster";
      if (spec.type === "NodePort" || spec.type === "LoadBalancer") spec.externalTrafficPolicy ??= "Cluster";
      for (const p of ports(obj)) {
        p.protocol ??= "TCP";
        p.targetPort ??= p.port;
      }
    },
    validate(obj) {
      const errs = [];
      const name = obj.metadata?.name ?? "";
      if (name !== "" && !/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
        errs.push(
          fieldErrors.invalid(
            "metadata.name",
            name,
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
          ),
        );
      }
      const list = ports(obj);
      const type = (obj.spec as { type?: string } | undefined)?.type;
      if (
        list.length === 0 &&
        type !== "ExternalName" &&
        (obj.spec as { clusterIP?: string }).clusterIP !== "None"
      ) {
        errs.push(fieldErrors.required("spec.ports"));
      }
      list.forEach((p, i) => {
        if (typeof p.port !== "number" || p.port < 1 || p.port > 65535) {
          errs.push(
            fieldErrors.invalid(
              `spec.ports[${i}].port`,
              p.port ?? 0,
              "must be between 1 and 65535, inclusive",
            ),
          );
        }
      });
      if (type && !["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].includes(type)) {
        errs.push(
          fieldErrors.notSupported("spec.type", type, [
            "ClusterIP",
            "ExternalName",
            "LoadBalancer",
            "NodePort",
          ]),
        );
      }
      return errs;
    },
    table: {
      columns: [
        nameColumn,
        { name: "Type", type: "string", description: "type", priority: 0 },
        { name: "Cluster-IP", type: "string", description: "cluster IP", priority: 0 },
        { name: "External-IP", type: "string", description: "external IPs", priority: 0 },
        { name: "Port(s)", type: "string", description: "ports", priority: 0 },
        ageColumn,
        { name: "Selector", type: "string", description: "selector", priority: 1 },
      ],
      cells(obj, now) {
        const spec = (obj.spec ?? {}) as {
          type?: string;
          clusterIP?: string;
          selector?: Record<string, string>;
        };
        const portText = ports(obj)
          .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol ?? "TCP"}`)
          .join(",");
        const selector = Object.entries(spec.selector ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(",");
        return [
          obj.metadata?.name ?? "",
          spec.type ?? "ClusterIP",
          spec.clusterIP ?? "",
          spec.type === "LoadBalancer" ? "<pending>" : "<none>",
          portText || "<none>",
          age(obj.metadata?.creationTimestamp, now),
          selector || "<none>",
        ];
      },
    },
  },
};

const events: ResourceDef = {
  group: "",
  version: "v1",
  resource: "events",
  singular: "event",
  kind: "Event",
  namespaced: true,
  shortNames: ["ev"],
  strategy: {
    fieldSelectors: Object.fromEntries(
      ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"].map((f) => [
        `involvedObject.${f}`,
        (obj: KubeObject) => (obj.involvedObject as Record<string, string> | undefined)?.[f],
      ]),
    ),
  },
};

function dataDef(resource: string, kind: string, shortNames: string[]): ResourceDef {
  return {
    group: "",
    version: "v1",
    resource,
    singular: kind.toLowerCase(),
    kind,
    namespaced: true,
    shortNames,
    strategy: {
      validate(obj) {
        const errs = dnsSubdomainErrors(obj.metadata?.name);
        const data = obj.data;
        if (data !== undefined && data !== null && !isPlainObject(data)) {
          errs.push(fieldErrors.typeInvalid("data", data, "must be a map"));
        }
        return errs;
      },
    },
  };
}

const interim: ResourceDef[] = [
  namespaces,
  services,
  dataDef("configmaps", "ConfigMap", ["cm"]),
  dataDef("secrets", "Secret", []),
  events,
];

/** `core` plus the interim kinds it does not define yet, in a stable order. */
export function withInterimCore(core: readonly ResourceDef[]): ResourceDef[] {
  const have = new Set(core.map((d) => d.resource));
  return [...core, ...interim.filter((d) => !have.has(d.resource))];
}
