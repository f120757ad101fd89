// The nodes resource: allocatable defaults, taint and podCIDR validation, and the kubectl table
// (Ready/NotReady/Unknown, SchedulingDisabled, roles from node-role labels).
import type { Node, NodeAddress, Taint } from "kubernetes-types/core/v1.js";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { TableConvertor } from "../resource.ts";
import { isValidLabelValue, nameIsDnsSubdomain } from "../validation/names.ts";
import { validateLabelName } from "../validation/objectmeta.ts";
import { canonicalizeResourceList } from "../validation/resources.ts";
import {
  ageColumn,
  boolField,
  column,
  defineResource,
  metaValidation,
  nameColumn,
  type Obj,
} from "./define.ts";

const meta = metaValidation(false, nameIsDnsSubdomain);
const specPath = FieldPath.root("spec");
const taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
const cidrRegex = /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/;

export function validateTaints(taints: Taint[] | undefined, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (taints ?? []).forEach((t, i) => {
    const p = at.index(i);
    errs.push(...validateLabelName(t.key ?? "", p.child("key")));
    if (t.value)
      for (const msg of isValidLabelValue(t.value))
        errs.push(fieldErrors.invalid(p.child("value"), t.value, msg));
    if (!t.effect) errs.push(fieldErrors.required(p.child("effect"), ""));
    else if (!taintEffects.includes(t.effect))
      errs.push(fieldErrors.notSupported(p.child("effect"), t.effect, taintEffects));
    const key = `${t.key}:${t.effect}`;
    if (seen.has(key)) {
      errs.push(fieldErrors.duplicate(p, `taints must be unique by key and effect pair`));
    }
    seen.add(key);
  });
  return errs;
}

function validateNode(node: Node): FieldError[] {
  const errs = meta.create(node.metadata);
  errs.push(...validateTaints(node.spec?.taints, specPath.child("taints")));
  const cidrs = node.spec?.podCIDRs ?? (node.spec?.podCIDR ? [node.spec.podCIDR] : []);
  cidrs.forEach((cidr, i) => {
    if (!cidrRegex.test(cidr))
      errs.push(fieldErrors.invalid(specPath.child("podCIDRs").index(i), cidr, "must be a valid CIDR"));
  });
  return errs;
}

function validateNodeUpdate(node: Node, old: Node): FieldError[] {
  const errs = meta.update(node.metadata, old.metadata);
  errs.push(...validateTaints(node.spec?.taints, specPath.child("taints")));
  if (old.spec?.podCIDR && node.spec?.podCIDR !== old.spec.podCIDR) {
    errs.push(
      fieldErrors.forbidden(
        specPath.child("podCIDR"),
        'node updates may not change podCIDR except from "" to valid',
      ),
    );
  }
  if (old.spec?.providerID && node.spec?.providerID !== old.spec.providerID) {
    errs.push(
      fieldErrors.forbidden(
        specPath.child("providerID"),
        'node updates may not change providerID except from "" to valid',
      ),
    );
  }
  return errs;
}

/** findNodeRoles: node-role.kubernetes.io/<role> labels and the legacy kubernetes.io/role. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith("node-role.kubernetes.io/")) {
      const role = k.slice("node-role.kubernetes.io/".length);
      if (role) roles.add(role);
    } else if (k === "kubernetes.io/role" && v) roles.add(v);
  }
  return [...roles].sort();
}

/** STATUS: Ready / NotReady / Unknown, plus SchedulingDisabled for cordoned nodes. */
export function nodeStatus(node: Node): string {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === "Ready");
  const status = [ready ? (ready.status === "True" ? "Ready" : "NotReady") : "Unknown"];
  if (node.spec?.unschedulable) status.push("SchedulingDisabled");
  return status.join(",");
}

function address(addresses: NodeAddress[] | undefined, type: string): string {
  return addresses?.find((a) => a.type === type)?.address ?? "<none>";
}

export const nodeTable: TableConvertor<Obj<Node>> = {
  columns: [
    nameColumn,
    column("Status", "The status of the node"),
    column("Roles", "The roles of the node"),
    ageColumn,
    column("Version", "Kubelet Version reported by the node."),
    column(
      "Internal-IP",
      "List of addresses reachable to the node. Queried from cloud provider, if available.",
      { wide: true },
    ),
    column(
      "External-IP",
      "List of addresses reachable to the node. Queried from cloud provider, if available.",
      { wide: true },
    ),
    column(
      "OS-Image",
      "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
      { wide: true },
    ),
    column(
      "Kernel-Version",
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
      { wide: true },
    ),
    column(
      "Container-Runtime",
      "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
      { wide: true },
    ),
  ],
  cells(node, now) {
    const info = node.status?.nodeInfo;
    const roles = nodeRoles(node).join(",");
    return [
      node.metadata?.name ?? "",
      nodeStatus(node),
      roles || "<none>",
      age(node.metadata?.creationTimestamp, now),
      info?.kubeletVersion ?? "",
      address(node.status?.addresses, "InternalIP"),
      address(node.status?.addresses, "ExternalIP"),
      info?.osImage || "<unknown>",
      info?.kernelVersion || "<unknown>",
      info?.containerRuntimeVersion || "<unknown>",
    ];
  },
};

export const nodes = defineResource<Obj<Node>>({
  group: "",
  version: "v1",
  resource: "nodes",
  singular: "node",
  kind: "Node",
  namespaced: false,
  shortNames: ["no"],
  hasStatus: true,
  subresources: [
    {
      name: "proxy",
      kind: { group: "", version: "v1", kind: "NodeProxyOptions" },
      verbs: ["create", "delete", "get", "patch", "update"],
    },
  ],
  strategy: {
    defaults(node) {
      canonicalizeResourceList(node.status?.capacity);
      canonicalizeResourceList(node.status?.allocatable);
      const status = node.status;
      if (status?.capacity && !status.allocatable)
        Object.assign(node, { status: { ...status, allocatable: { ...status.capacity } } });
    },
    validate: validateNode,
    validateUpdate: validateNodeUpdate,
    table: nodeTable,
    fieldSelectors: { "spec.unschedulable": (n) => boolField(n.spec?.unschedulable) },
  },
});
