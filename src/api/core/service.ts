// The services resource: defaults (type, ports, policies), validation (ports, node ports, types,
// selector, clusterIP immutability), the kubectl table and discovery names. IP and node-port
// allocation belongs to the apiserver's service registry, not here.
import type { Service, ServicePort, ServiceSpec } from "kubernetes-types/core/v1.js";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { TableConvertor } from "../resource.ts";
import {
  isDns1123Label,
  isDns1123Subdomain,
  isValidIp,
  isValidPortName,
  isValidPortNum,
  nameIsDns1035Label,
} from "../validation/names.ts";
import { validateLabels } from "../validation/objectmeta.ts";
import { supportedPortProtocols } from "./container-validation.ts";
import {
  ageColumn,
  column,
  defineResource,
  formatLabels,
  metaValidation,
  nameColumn,
  type Obj,
} from "./define.ts";

export const serviceTypes = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
export const nodePortRange = { min: 30000, max: 32767 };
const sessionAffinities = ["ClientIP", "None"];
const trafficPolicies = ["Cluster", "Local"];
const ipFamilyPolicies = ["SingleStack", "PreferDualStack", "RequireDualStack"];
const specPath = FieldPath.root("spec");
const meta = metaValidation(true, nameIsDns1035Label);

export function defaultService(svc: Service): void {
  svc.spec ??= {};
  const spec: ServiceSpec = svc.spec;
  spec.type ||= "ClusterIP";
  spec.sessionAffinity ||= "None";
  if (spec.sessionAffinity === "ClientIP") {
    spec.sessionAffinityConfig ??= {};
    spec.sessionAffinityConfig.clientIP ??= {};
    spec.sessionAffinityConfig.clientIP.timeoutSeconds ??= 10800;
  }
  for (const port of spec.ports ?? []) {
    port.protocol ||= "TCP";
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === "")
      port.targetPort = port.port;
  }
  if (spec.type === "NodePort" || spec.type === "LoadBalancer") spec.externalTrafficPolicy ||= "Cluster";
  if (spec.type === "LoadBalancer") spec.allocateLoadBalancerNodePorts ??= true;
  if (spec.type !== "ExternalName") {
    spec.internalTrafficPolicy ||= "Cluster";
    spec.ipFamilyPolicy ||= "SingleStack";
    spec.ipFamilies ??= ["IPv4"];
    if (spec.clusterIP && !spec.clusterIPs) spec.clusterIPs = [spec.clusterIP];
    if (!spec.clusterIP && spec.clusterIPs?.[0]) spec.clusterIP = spec.clusterIPs[0];
  }
}

/**
 * patchAllocatedValues: an update that omits allocated values (clusterIP, nodePorts) keeps the
 * old ones, so `kubectl apply` of a manifest without them does not fail as immutable.
 */
export function keepAllocatedValues(svc: Service, old: Service): void {
  const spec = svc.spec;
  const prev = old.spec;
  if (!spec || !prev) return;
  const usesClusterIP = (t: string | undefined) => t !== "ExternalName";
  if (usesClusterIP(spec.type) && usesClusterIP(prev.type)) {
    if (!spec.clusterIP && prev.clusterIP) spec.clusterIP = prev.clusterIP;
    if ((spec.clusterIPs ?? []).length === 0 && prev.clusterIPs) spec.clusterIPs = [...prev.clusterIPs];
  }
  const usesNodePorts = (t: string | undefined) => t === "NodePort" || t === "LoadBalancer";
  if (usesNodePorts(spec.type) && usesNodePorts(prev.type)) {
    for (const port of spec.ports ?? []) {
      if (port.nodePort) continue;
      const match = (prev.ports ?? []).find(
        (p) => p.port === port.port && (p.protocol ?? "TCP") === (port.protocol ?? "TCP"),
      );
      if (match?.nodePort) port.nodePort = match.nodePort;
    }
    if (!spec.healthCheckNodePort && prev.healthCheckNodePort && spec.externalTrafficPolicy === "Local") {
      spec.healthCheckNodePort = prev.healthCheckNodePort;
    }
  }
}

function validateServicePort(
  port: ServicePort,
  requireName: boolean,
  names: Set<string>,
  at: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !port.name) errs.push(fieldErrors.required(at.child("name"), ""));
  else if (port.name) {
    for (const msg of isDns1123Label(port.name))
      errs.push(fieldErrors.invalid(at.child("name"), port.name, msg));
    if (names.has(port.name)) errs.push(fieldErrors.duplicate(at.child("name"), port.name));
    names.add(port.name);
  }
  for (const msg of isValidPortNum(port.port))
    errs.push(fieldErrors.invalid(at.child("port"), port.port, msg));
  if (!port.protocol) errs.push(fieldErrors.required(at.child("protocol"), ""));
  else if (!supportedPortProtocols.includes(port.protocol)) {
    errs.push(fieldErrors.notSupported(at.child("protocol"), port.protocol, supportedPortProtocols));
  }
  const target = port.targetPort;
  if (typeof target === "number") {
    for (const msg of isValidPortNum(target))
      errs.push(fieldErrors.invalid(at.child("targetPort"), target, msg));
  } else if (typeof target === "string") {
    for (const msg of isValidPortName(target))
      errs.push(fieldErrors.invalid(at.child("targetPort"), target, msg));
  }
  return errs;
}

function validatePorts(spec: ServiceSpec, errs: FieldError[]): void {
  const ports = spec.ports ?? [];
  const at = specPath.child("ports");
  const headless = spec.clusterIP === "None";
  if (ports.length === 0 && !headless && spec.type !== "ExternalName")
    errs.push(fieldErrors.required(at, ""));
  const names = new Set<string>();
  const seen = new Set<string>();
  const seenNodePorts = new Set<string>();
  ports.forEach((port, i) => {
    const p = at.index(i);
    errs.push(...validateServicePort(port, ports.length > 1, names, p));
    const key = `${port.protocol}/${port.port}`;
    if (seen.has(key)) errs.push(fieldErrors.duplicate(p, { port: port.port, protocol: port.protocol }));
    seen.add(key);
    if (port.nodePort) {
      if (spec.type === "ClusterIP" || spec.type === "ExternalName") {
        errs.push(
          fieldErrors.forbidden(p.child("nodePort"), `may not be used when \`type\` is '${spec.type}'`),
        );
      } else if (port.nodePort < nodePortRange.min || port.nodePort > nodePortRange.max) {
        errs.push(
          fieldErrors.invalid(
            p.child("nodePort"),
            port.nodePort,
            `provided port is not in the valid range. The range of valid ports is ${nodePortRange.min}-${nodePortRange.max}`,
          ),
        );
      }
      const nodeKey = `${port.protocol}/${port.nodePort}`;
      if (seenNodePorts.has(nodeKey)) errs.push(fieldErrors.duplicate(p.child("nodePort"), port.nodePort));
      seenNodePorts.add(nodeKey);
    }
  });
}

function validateClusterIPs(spec: ServiceSpec, errs: FieldError[]): void {
  if (spec.type === "ExternalName") {
    if (spec.clusterIP)
      errs.push(
        fieldErrors.forbidden(specPath.child("clusterIP"), "may not be set for ExternalName services"),
      );
    if (!spec.externalName) errs.push(fieldErrors.required(specPath.child("externalName"), ""));
    else {
      for (const msg of isDns1123Subdomain(spec.externalName.replace(/\.$/, ""))) {
        errs.push(fieldErrors.invalid(specPath.child("externalName"), spec.externalName, msg));
      }
    }
    return;
  }
  const ips = spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []);
  if (spec.clusterIP && ips[0] !== spec.clusterIP) {
    errs.push(fieldErrors.invalid(specPath.child("clusterIPs"), ips, "first value must match `clusterIP`"));
  }
  ips.forEach((ip, i) => {
    const p = specPath.child("clusterIPs").index(i);
    if (ip === "None") {
      if (spec.type === "NodePort" || spec.type === "LoadBalancer") {
        errs.push(
          fieldErrors.invalid(
            specPath.child("clusterIPs").index(0),
            ip,
            `may not be set to 'None' for ${spec.type} services`,
          ),
        );
      }
      return;
    }
    for (const msg of isValidIp(ip)) errs.push(fieldErrors.invalid(p, ip, msg));
  });
}

function validatePolicies(spec: ServiceSpec, errs: FieldError[]): void {
  if (!spec.type) errs.push(fieldErrors.required(specPath.child("type"), ""));
  else if (!serviceTypes.includes(spec.type))
    errs.push(fieldErrors.notSupported(specPath.child("type"), spec.type, serviceTypes));
  if (!spec.sessionAffinity) errs.push(fieldErrors.required(specPath.child("sessionAffinity"), ""));
  else if (!sessionAffinities.includes(spec.sessionAffinity)) {
    errs.push(
      fieldErrors.notSupported(specPath.child("sessionAffinity"), spec.sessionAffinity, sessionAffinities),
    );
  }
  const external = spec.externalTrafficPolicy;
  if (external) {
    if (spec.type !== "NodePort" && spec.type !== "LoadBalancer") {
      errs.push(
        fieldErrors.forbidden(
          specPath.child("externalTrafficPolicy"),
          "may only be set when `type` is 'NodePort' or 'LoadBalancer'",
        ),
      );
    } else if (!trafficPolicies.includes(external)) {
      errs.push(fieldErrors.notSupported(specPath.child("externalTrafficPolicy"), external, trafficPolicies));
    }
  }
  const internal = spec.internalTrafficPolicy;
  if (spec.type !== "ExternalName") {
    if (!internal) errs.push(fieldErrors.required(specPath.child("internalTrafficPolicy"), ""));
    else if (!trafficPolicies.includes(internal)) {
      errs.push(fieldErrors.notSupported(specPath.child("internalTrafficPolicy"), internal, trafficPolicies));
    }
  }
  if (spec.ipFamilyPolicy && !ipFamilyPolicies.includes(spec.ipFamilyPolicy)) {
    errs.push(
      fieldErrors.notSupported(specPath.child("ipFamilyPolicy"), spec.ipFamilyPolicy, ipFamilyPolicies),
    );
  }
  (spec.externalIPs ?? []).forEach((ip, i) => {
    for (const msg of isValidIp(ip))
      errs.push(fieldErrors.invalid(specPath.child("externalIPs").index(i), ip, msg));
  });
}

export function validateService(svc: Service): FieldError[] {
  const errs = meta.create(svc.metadata);
  const spec = svc.spec ?? {};
  validatePorts(spec, errs);
  validateClusterIPs(spec, errs);
  validatePolicies(spec, errs);
  if (spec.selector) errs.push(...validateLabels(spec.selector, specPath.child("selector")));
  return errs;
}

export function validateServiceUpdate(svc: Service, old: Service): FieldError[] {
  const errs = meta.update(svc.metadata, old.metadata);
  const spec = svc.spec ?? {};
  const oldSpec = old.spec ?? {};
  // ClusterIP is fixed once allocated, unless the service becomes or stops being ExternalName.
  if (
    oldSpec.clusterIP &&
    oldSpec.type !== "ExternalName" &&
    spec.type !== "ExternalName" &&
    spec.clusterIP !== oldSpec.clusterIP
  ) {
    errs.push(fieldErrors.invalid(specPath.child("clusterIP"), spec.clusterIP ?? "", "field is immutable"));
  }
  return errs;
}

function portsCell(ports: ServicePort[] | undefined): string {
  const text = (ports ?? [])
    .map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`))
    .join(",");
  return text || "<none>";
}

function externalIpCell(svc: Service): string {
  const spec = svc.spec ?? {};
  const externalIPs = spec.externalIPs ?? [];
  switch (spec.type) {
    case "ClusterIP":
    case "NodePort":
      return externalIPs.length > 0 ? externalIPs.join(",") : "<none>";
    case "LoadBalancer": {
      const lb = (svc.status?.loadBalancer?.ingress ?? [])
        .map((i) => i.ip || i.hostname || "")
        .filter((x) => x);
      const all = [...lb, ...externalIPs];
      return all.length > 0 ? all.join(",") : "<pending>";
    }
    case "ExternalName":
      return spec.externalName ?? "";
    default:
      return "<unknown>";
  }
}

export const serviceTable: TableConvertor<Obj<Service>> = {
  columns: [
    nameColumn,
    column("Type", "type determines how the Service is exposed."),
    column("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
    column(
      "External-IP",
      "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.",
    ),
    column("Port(s)", "The list of ports that are exposed by this service."),
    ageColumn,
    column("Selector", "Route service traffic to pods with label keys and values matching this selector.", {
      wide: true,
    }),
  ],
  cells(svc, now) {
    const spec = svc.spec ?? {};
    return [
      svc.metadata?.name ?? "",
      spec.type ?? "",
      spec.clusterIPs?.[0] || spec.clusterIP || "<none>",
      externalIpCell(svc),
      portsCell(spec.ports),
      age(svc.metadata?.creationTimestamp, now),
      formatLabels(spec.selector),
    ];
  },
};

export const services = defineResource<Obj<Service>>({
  group: "",
  version: "v1",
  resource: "services",
  singular: "service",
  kind: "Service",
  namespaced: true,
  shortNames: ["svc"],
  categories: ["all"],
  hasStatus: true,
  subresources: [
    {
      name: "proxy",
      kind: { group: "", version: "v1", kind: "ServiceProxyOptions" },
      verbs: ["create", "delete", "get", "patch", "update"],
    },
  ],
  strategy: {
    defaults: defaultService,
    prepareForCreate(svc) {
      Object.assign(svc, { status: { loadBalancer: {} } });
    },
    prepareForUpdate: keepAllocatedValues,
    validate: validateService,
    validateUpdate: validateServiceUpdate,
    table: serviceTable,
    fieldSelectors: {
      "spec.clusterIP": (s) => s.spec?.clusterIP ?? "",
      "spec.type": (s) => s.spec?.type ?? "",
    },
  },
});
