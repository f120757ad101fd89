// The endpoints resource: subset validation (addresses, ports) and the ENDPOINTS column
// (`10.0.0.1:80,10.0.0.2:80 + 3 more...`).
import type { EndpointPort, Endpoints } from "kubernetes-types/core/v1.js";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import { isDns1123Label, isValidIp, isValidPortNum, nameIsDnsSubdomain } from "../validation/names.ts";
import { supportedPortProtocols } from "./container-validation.ts";
import { ageColumn, column, defineResource, metaValidation, nameColumn, type Obj } from "./define.ts";

const meta = metaValidation(true, nameIsDnsSubdomain);

function validatePorts(ports: EndpointPort[], at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = at.index(i);
    if (ports.length > 1 && !port.name) errs.push(fieldErrors.required(p.child("name"), ""));
    else if (port.name) {
      for (const msg of isDns1123Label(port.name))
        errs.push(fieldErrors.invalid(p.child("name"), port.name, msg));
      if (names.has(port.name)) errs.push(fieldErrors.duplicate(p.child("name"), port.name));
      names.add(port.name);
    }
    for (const msg of isValidPortNum(port.port))
      errs.push(fieldErrors.invalid(p.child("port"), port.port, msg));
    if (!port.protocol) errs.push(fieldErrors.required(p.child("protocol"), ""));
    else if (!supportedPortProtocols.includes(port.protocol)) {
      errs.push(fieldErrors.notSupported(p.child("protocol"), port.protocol, supportedPortProtocols));
    }
  });
  return errs;
}

function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs = meta.create(ep.metadata);
  (ep.subsets ?? []).forEach((subset, i) => {
    const at = FieldPath.root("subsets").index(i);
    if ((subset.addresses ?? []).length === 0 && (subset.notReadyAddresses ?? []).length === 0) {
      errs.push(fieldErrors.required(at, "must specify `addresses` or `notReadyAddresses`"));
    }
    for (const field of ["addresses", "notReadyAddresses"] as const) {
      (subset[field] ?? []).forEach((addr, j) => {
        const p = at.child(field).index(j).child("ip");
        for (const msg of isValidIp(addr.ip)) errs.push(fieldErrors.invalid(p, addr.ip, msg));
      });
    }
    errs.push(...validatePorts(subset.ports ?? [], at.child("ports")));
  });
  return errs;
}

/** formatEndpoints: up to three `ip:port` entries, then `+ N more...`. */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return "<none>";
  const max = 3;
  const list: string[] = [];
  let count = 0;
  let more = false;
  const add = (text: string): void => {
    if (list.length === max) more = true;
    else list.push(text);
  };
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    if ((ss.ports ?? []).length === 0) {
      count += addresses.length;
      for (const a of addresses) add(a.ip);
      continue;
    }
    for (const port of ss.ports ?? []) {
      count += addresses.length;
      for (const a of addresses) add(a.ip.includes(":") ? `[${a.ip}]:${port.port}` : `${a.ip}:${port.port}`);
    }
  }
  const text = list.join(",");
  return more ? `${text} + ${count - max} more...` : text;
}

export const endpoints = defineResource<Obj<Endpoints>>({
  group: "",
  version: "v1",
  resource: "endpoints",
  singular: "endpoints",
  kind: "Endpoints",
  namespaced: true,
  shortNames: ["ep"],
  strategy: {
    defaults(ep) {
      for (const ss of ep.subsets ?? []) for (const p of ss.ports ?? []) p.protocol ||= "TCP";
    },
    validate: validateEndpoints,
    validateUpdate: (ep, old) => meta.update(ep.metadata, old.metadata),
    table: {
      columns: [
        nameColumn,
        column("Endpoints", "Endpoints is the list of endpoints for this service."),
        ageColumn,
      ],
      cells: (ep, now) => [
        ep.metadata?.name ?? "",
        formatEndpoints(ep),
        age(ep.metadata?.creationTimestamp, now),
      ],
    },
  },
});
