// networking.k8s.io/v1 Ingress and IngressClass: rule/path/backend validation (pathType
// required), and the Class/Hosts/Address/Ports table.
import type {
  HTTPIngressPath,
  IngressBackend,
  IngressClass as IngressClassV1,
  Ingress as IngressV1,
} from "kubernetes-types/networking/v1.js";
import {
  isDns1035Label,
  isDns1123Subdomain,
  isValidIp,
  isValidPortName,
  isValidPortNum,
  nameIsDnsSubdomain,
  validateImmutable,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "../apps/coredeps.ts";
import { ageColumn, column, type Kube, nameColumn, setStatus } from "../apps/printing.ts";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { ResourceDef, TableConvertor } from "../resource.ts";

export type Ingress = Kube<IngressV1>;
export type IngressClass = Kube<IngressClassV1>;

const spec = FieldPath.root("spec");
const namespacedMeta = { namespaced: true, nameFn: nameIsDnsSubdomain };
const clusterMeta = { namespaced: false, nameFn: nameIsDnsSubdomain };
const pathTypes = ["Exact", "ImplementationSpecific", "Prefix"];
const invalidPathSequences = ["//", "/./", "/../", "%2f", "%2F"];
const invalidPathSuffixes = ["/..", "/."];

export function validateBackend(b: IngressBackend, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (b.service && b.resource)
    return [fieldErrors.invalid(at, "", "cannot set both resource and service backends")];
  if (!b.service && !b.resource)
    return [fieldErrors.invalid(at, "", "one backend (service or resource) must be specified")];
  if (b.service) {
    const sAt = at.child("service");
    for (const msg of isDns1035Label(b.service.name ?? ""))
      errs.push(fieldErrors.invalid(sAt.child("name"), b.service.name, msg));
    const port = b.service.port;
    const pAt = sAt.child("port");
    if (port?.name && port.number)
      errs.push(fieldErrors.invalid(pAt, port, "cannot specify both port name and port number"));
    else if (port?.name)
      for (const msg of isValidPortName(port.name))
        errs.push(fieldErrors.invalid(pAt.child("name"), port.name, msg));
    else if (port?.number !== undefined) {
      for (const msg of isValidPortNum(port.number))
        errs.push(fieldErrors.invalid(pAt.child("number"), port.number, msg));
    } else errs.push(fieldErrors.required(pAt, "port name or number is required"));
  }
  if (b.resource && !b.resource.kind) errs.push(fieldErrors.required(at.child("resource").child("kind"), ""));
  return errs;
}

function validatePath(p: HTTPIngressPath, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const path = p.path ?? "";
  if (!p.pathType) errs.push(fieldErrors.required(at.child("pathType"), "pathType must be specified"));
  else if (!pathTypes.includes(p.pathType))
    errs.push(fieldErrors.notSupported(at.child("pathType"), p.pathType, pathTypes));
  if ((p.pathType === "Exact" || p.pathType === "Prefix" || path !== "") && !path.startsWith("/")) {
    errs.push(fieldErrors.invalid(at.child("path"), path, "must be an absolute path"));
  } else if (p.pathType === "Exact" || p.pathType === "Prefix") {
    for (const seq of invalidPathSequences) {
      if (path.includes(seq))
        errs.push(fieldErrors.invalid(at.child("path"), path, `must not contain '${seq}'`));
    }
    for (const suffix of invalidPathSuffixes) {
      if (path.endsWith(suffix))
        errs.push(fieldErrors.invalid(at.child("path"), path, `cannot end with '${suffix}'`));
    }
  }
  errs.push(...validateBackend(p.backend, at.child("backend")));
  return errs;
}

function validateHost(host: string, at: FieldPath): FieldError[] {
  if (isValidIp(host).length === 0)
    return [fieldErrors.invalid(at, host, "must be a DNS name, not an IP address")];
  const name = host.startsWith("*.") ? host.slice(2) : host;
  return isDns1123Subdomain(name).map((msg) => fieldErrors.invalid(at, host, msg));
}

export function validateIngress(ing: Ingress): FieldError[] {
  const errs = validateObjectMeta(ing.metadata, namespacedMeta);
  const s = ing.spec ?? {};
  const rules = s.rules ?? [];
  if (rules.length === 0 && !s.defaultBackend) {
    errs.push(fieldErrors.invalid(spec, rules, "either `defaultBackend` or `rules` must be specified"));
  }
  if (s.defaultBackend) errs.push(...validateBackend(s.defaultBackend, spec.child("defaultBackend")));
  rules.forEach((rule, i) => {
    const at = spec.child("rules").index(i);
    if (rule.host) errs.push(...validateHost(rule.host, at.child("host")));
    if (rule.http) {
      const pAt = at.child("http").child("paths");
      if (rule.http.paths.length === 0) errs.push(fieldErrors.required(pAt, ""));
      rule.http.paths.forEach((p, j) => {
        errs.push(...validatePath(p, pAt.index(j)));
      });
    }
  });
  (s.tls ?? []).forEach((tls, i) => {
    (tls.hosts ?? []).forEach((h, j) => {
      errs.push(...validateHost(h, spec.child("tls").index(i).child("hosts").index(j)));
    });
  });
  if (s.ingressClassName !== undefined) {
    for (const msg of isDns1123Subdomain(s.ingressClassName)) {
      errs.push(fieldErrors.invalid(spec.child("ingressClassName"), s.ingressClassName, msg));
    }
  }
  return errs;
}

/** formatHosts: up to three hosts, `*` when none. */
function formatHosts(ing: Ingress): string {
  const rules = ing.spec?.rules ?? [];
  const hosts = rules.map((r) => r.host).filter((h): h is string => !!h);
  if (hosts.length === 0) return "*";
  return rules.length > 3 && hosts.length >= 3
    ? `${hosts.slice(0, 3).join(",")} + ${rules.length - 3} more...`
    : hosts.slice(0, 3).join(",");
}

export const ingressTable: TableConvertor<Ingress> = {
  columns: [
    nameColumn,
    column("Class", "The name of the IngressClass resource that should be used for additional configuration"),
    column("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
    column("Address", "Address is a list containing ingress points for the load-balancer"),
    column("Ports", "Ports of TLS configurations that open"),
    ageColumn,
  ],
  cells(ing, now) {
    // loadBalancerStatusStringer (wide form: the server always prints the full list).
    const addresses = [
      ...new Set(
        (ing.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || "").filter((a) => a),
      ),
    ].sort();
    return [
      ing.metadata?.name ?? "",
      ing.spec?.ingressClassName ?? "<none>",
      formatHosts(ing),
      addresses.join(","),
      (ing.spec?.tls ?? []).length > 0 ? "80, 443" : "80",
      age(ing.metadata?.creationTimestamp, now),
    ];
  },
};

export const ingresses: ResourceDef<Ingress> = {
  group: "networking.k8s.io",
  version: "v1",
  resource: "ingresses",
  singular: "ingress",
  kind: "Ingress",
  namespaced: true,
  shortNames: ["ing"],
  hasStatus: true,
  strategy: {
    prepareForCreate(ing) {
      setStatus(ing, { loadBalancer: {} });
    },
    validate: validateIngress,
    validateUpdate: (ing, old) => validateObjectMetaUpdate(ing.metadata, old.metadata, namespacedMeta),
    table: ingressTable,
  },
};

export const ingressclasses: ResourceDef<IngressClass> = {
  group: "networking.k8s.io",
  version: "v1",
  resource: "ingressclasses",
  singular: "ingressclass",
  kind: "IngressClass",
  namespaced: false,
  strategy: {
    defaults(ic) {
      const params = ic.spec?.parameters;
      if (params) params.scope ??= "Cluster";
    },
    validate(ic) {
      const errs = validateObjectMeta(ic.metadata, clusterMeta);
      const controller = ic.spec?.controller;
      if (!controller) errs.push(fieldErrors.required(spec.child("controller"), ""));
      else if (controller.length > 250)
        errs.push(fieldErrors.tooLong(spec.child("controller"), controller, 250));
      return errs;
    },
    validateUpdate: (ic, old) => [
      ...validateObjectMetaUpdate(ic.metadata, old.metadata, clusterMeta),
      ...validateImmutable(ic.spec?.controller, old.spec?.controller, spec.child("controller")),
    ],
    table: {
      columns: [
        nameColumn,
        column("Controller", "Controller that is responsible for handling this class"),
        column("Parameters", "A reference to a resource with additional parameters"),
        ageColumn,
      ],
      cells(ic, now) {
        const p = ic.spec?.parameters;
        const params = p ? `${p.kind}${p.apiGroup ? `.${p.apiGroup}` : ""}/${p.name}` : "<none>";
        return [
          ic.metadata?.name ?? "",
          ic.spec?.controller ?? "",
          params,
          age(ic.metadata?.creationTimestamp, now),
        ];
      },
    },
  },
};
