// discovery.k8s.io/v1 EndpointSlice: port defaults, address type/address/port validation
// (addressType immutable), and the AddressType/Ports/Endpoints table.
import type { EndpointSlice as EndpointSliceV1 } from "kubernetes-types/discovery/v1.js";
import {
  isDns1123Label,
  isDns1123Subdomain,
  isValidIp,
  isValidPortNum,
  nameIsDnsSubdomain,
  validateImmutable,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "../apps/coredeps.ts";
import { ageColumn, column, type Kube, nameColumn } from "../apps/printing.ts";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { ResourceDef } from "../resource.ts";

export type EndpointSlice = Kube<EndpointSliceV1>;

const metaOptions = { namespaced: true, nameFn: nameIsDnsSubdomain };
const addressTypes = ["IPv4", "IPv6", "FQDN"];
const protocols = ["TCP", "UDP", "SCTP"];
const maxEndpoints = 1000;
const maxPorts = 100;
const maxAddresses = 100;

function addressErrors(type: string, address: string): string[] {
  if (type === "FQDN") return isDns1123Subdomain(address);
  const ipErrors = isValidIp(address);
  if (ipErrors.length > 0) return ipErrors;
  const v6 = address.includes(":");
  if (type === "IPv4" && v6) return ["must be an IPv4 address"];
  if (type === "IPv6" && !v6) return ["must be an IPv6 address"];
  return [];
}

export function validateEndpointSlice(es: EndpointSlice): FieldError[] {
  const errs = validateObjectMeta(es.metadata, metaOptions);
  const type = es.addressType;
  if (!type) errs.push(fieldErrors.required(FieldPath.root("addressType"), ""));
  else if (!addressTypes.includes(type))
    errs.push(fieldErrors.notSupported(FieldPath.root("addressType"), type, addressTypes));
  const endpoints = es.endpoints ?? [];
  if (endpoints.length > maxEndpoints)
    errs.push(fieldErrors.tooMany(FieldPath.root("endpoints"), endpoints.length, maxEndpoints));
  endpoints.forEach((ep, i) => {
    const at = FieldPath.root("endpoints").index(i).child("addresses");
    if (ep.addresses.length === 0) errs.push(fieldErrors.required(at, "must contain at least 1 address"));
    if (ep.addresses.length > maxAddresses)
      errs.push(fieldErrors.tooMany(at, ep.addresses.length, maxAddresses));
    ep.addresses.forEach((a, j) => {
      if (type && addressTypes.includes(type)) {
        for (const msg of addressErrors(type, a)) errs.push(fieldErrors.invalid(at.index(j), a, msg));
      }
    });
  });
  const ports = es.ports ?? [];
  if (ports.length > maxPorts)
    errs.push(fieldErrors.tooMany(FieldPath.root("ports"), ports.length, maxPorts));
  ports.forEach((p, i) => {
    const at = FieldPath.root("ports").index(i);
    if (p.name)
      for (const msg of isDns1123Label(p.name)) errs.push(fieldErrors.invalid(at.child("name"), p.name, msg));
    if (p.protocol && !protocols.includes(p.protocol))
      errs.push(fieldErrors.notSupported(at.child("protocol"), p.protocol, protocols));
    if (p.port !== undefined)
      for (const msg of isValidPortNum(p.port)) errs.push(fieldErrors.invalid(at.child("port"), p.port, msg));
  });
  return errs;
}

/** formatDiscoveryPorts / formatDiscoveryEndpoints: three items, then `+ N more...`, `<unset>` if none. */
function listWithMore(items: string[]): string {
  if (items.length === 0) return "<unset>";
  return items.length > 3 ? `${items.slice(0, 3).join(",")} + ${items.length - 3} more...` : items.join(",");
}

export const endpointslices: ResourceDef<EndpointSlice> = {
  group: "discovery.k8s.io",
  version: "v1",
  resource: "endpointslices",
  singular: "endpointslice",
  kind: "EndpointSlice",
  namespaced: true,
  strategy: {
    defaults(es) {
      for (const p of es.ports ?? []) {
        p.name ??= "";
        p.protocol ??= "TCP";
      }
    },
    validate: validateEndpointSlice,
    validateUpdate: (es, old) => [
      ...validateObjectMetaUpdate(es.metadata, old.metadata, metaOptions),
      ...validateEndpointSlice(es),
      ...validateImmutable(es.addressType, old.addressType, FieldPath.root("addressType")),
    ],
    table: {
      columns: [
        nameColumn,
        column("AddressType", "addressType specifies the type of address carried by this EndpointSlice."),
        column("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice."),
        column("Endpoints", "endpoints is a list of unique endpoints in this slice."),
        ageColumn,
      ],
      cells: (es, now) => [
        es.metadata?.name ?? "",
        es.addressType,
        listWithMore((es.ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : p.name || "*"))),
        listWithMore((es.endpoints ?? []).flatMap((e) => e.addresses)),
        age(es.metadata?.creationTimestamp, now),
      ],
    },
  },
};
