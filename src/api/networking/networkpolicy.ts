// networking.k8s.io/v1 NetworkPolicy: defaults (policyTypes, port protocol TCP), peer and
// port validation, and the Pod-Selector table.
import type {
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicy as NetworkPolicyV1,
} from "kubernetes-types/networking/v1.js";
import {
  formatLabelSelector,
  isValidPortName,
  isValidPortNum,
  nameIsDnsSubdomain,
  validateLabelSelector,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "../apps/coredeps.ts";
import { ageColumn, column, type Kube, nameColumn } from "../apps/printing.ts";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { ResourceDef } from "../resource.ts";

export type NetworkPolicy = Kube<NetworkPolicyV1>;

const spec = FieldPath.root("spec");
const metaOptions = { namespaced: true, nameFn: nameIsDnsSubdomain };
const protocols = ["TCP", "UDP", "SCTP"];

export function defaultNetworkPolicy(np: NetworkPolicy): void {
  np.spec ??= { podSelector: {} };
  const s = np.spec;
  for (const rule of [...(s.ingress ?? []), ...(s.egress ?? [])]) {
    for (const port of rule.ports ?? []) port.protocol ??= "TCP";
  }
  if ((s.policyTypes ?? []).length === 0) {
    s.policyTypes = (s.egress ?? []).length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
  }
}

function validatePort(p: NetworkPolicyPort, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (p.protocol && !protocols.includes(p.protocol))
    errs.push(fieldErrors.notSupported(at.child("protocol"), p.protocol, protocols));
  if (typeof p.port === "number") {
    for (const msg of isValidPortNum(p.port)) errs.push(fieldErrors.invalid(at.child("port"), p.port, msg));
    if (p.endPort !== undefined && p.endPort < p.port) {
      errs.push(
        fieldErrors.invalid(at.child("endPort"), p.endPort, "must be greater than or equal to `port`"),
      );
    }
  } else if (typeof p.port === "string") {
    for (const msg of isValidPortName(p.port)) errs.push(fieldErrors.invalid(at.child("port"), p.port, msg));
    if (p.endPort !== undefined)
      errs.push(fieldErrors.required(at.child("port"), "must be specified when endPort is set"));
  }
  return errs;
}

function validatePeer(peer: NetworkPolicyPeer, at: FieldPath): FieldError[] {
  const set = [peer.podSelector, peer.namespaceSelector, peer.ipBlock].filter((x) => x !== undefined).length;
  if (set === 0) return [fieldErrors.required(at, "must specify a peer")];
  if (peer.ipBlock && set > 1)
    return [fieldErrors.forbidden(at, "may not specify both ipBlock and another peer")];
  const errs = [
    ...validateLabelSelector(peer.podSelector, at.child("podSelector")),
    ...validateLabelSelector(peer.namespaceSelector, at.child("namespaceSelector")),
  ];
  if (peer.ipBlock && !/^[0-9a-fA-F:.]+\/[0-9]+$/.test(peer.ipBlock.cidr)) {
    errs.push(
      fieldErrors.invalid(
        at.child("ipBlock").child("cidr"),
        peer.ipBlock.cidr,
        "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
      ),
    );
  }
  return errs;
}

export function validateNetworkPolicy(np: NetworkPolicy): FieldError[] {
  const errs = validateObjectMeta(np.metadata, metaOptions);
  const s = np.spec;
  if (!s) return [...errs, fieldErrors.required(spec, "")];
  errs.push(...validateLabelSelector(s.podSelector, spec.child("podSelector")));
  const rules: ["ingress" | "egress", "from" | "to"][] = [
    ["ingress", "from"],
    ["egress", "to"],
  ];
  for (const [kind, peers] of rules) {
    (s[kind] ?? []).forEach((rule, i) => {
      const at = spec.child(kind).index(i);
      (rule.ports ?? []).forEach((p, j) => {
        errs.push(...validatePort(p, at.child("ports").index(j)));
      });
      const list = (rule as Record<string, NetworkPolicyPeer[] | undefined>)[peers] ?? [];
      list.forEach((peer, j) => {
        errs.push(...validatePeer(peer, at.child(peers).index(j)));
      });
    });
  }
  const types = s.policyTypes ?? [];
  if (types.length > 2)
    errs.push(
      fieldErrors.invalid(spec.child("policyTypes"), types, "may not specify more than two policyTypes"),
    );
  types.forEach((t, i) => {
    if (t !== "Ingress" && t !== "Egress")
      errs.push(fieldErrors.notSupported(spec.child("policyTypes").index(i), t, ["Ingress", "Egress"]));
  });
  return errs;
}

export const networkpolicies: ResourceDef<NetworkPolicy> = {
  group: "networking.k8s.io",
  version: "v1",
  resource: "networkpolicies",
  singular: "networkpolicy",
  kind: "NetworkPolicy",
  namespaced: true,
  shortNames: ["netpol"],
  strategy: {
    defaults: defaultNetworkPolicy,
    validate: validateNetworkPolicy,
    validateUpdate: (np, old) => [
      ...validateObjectMetaUpdate(np.metadata, old.metadata, metaOptions),
      ...validateNetworkPolicy(np),
    ],
    table: {
      columns: [
        nameColumn,
        column("Pod-Selector", "Selects the pods to which this NetworkPolicy object applies."),
        ageColumn,
      ],
      cells: (np, now) => [
        np.metadata?.name ?? "",
        formatLabelSelector(np.spec?.podSelector),
        age(np.metadata?.creationTimestamp, now),
      ],
    },
  },
};
