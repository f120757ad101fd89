// The NamespaceLifecycle admission plugin's deletion rule: the namespaces every cluster is
// born with may not be deleted. (Creates in missing or terminating namespaces are refused by
// the create path itself: ensureNamespaceWritable in rest/write.ts.)
import { ForbiddenError } from "../api/errors.ts";
import type { AdmissionPlugin } from "./admission.ts";

export const immortalNamespaces: ReadonlySet<string> = new Set([
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
]);

export const namespaceLifecycle: AdmissionPlugin = {
  name: "NamespaceLifecycle",
  validate(attrs) {
    const def = attrs.def;
    if (attrs.operation !== "DELETE" || def.group !== "" || def.resource !== "namespaces") return;
    if (!immortalNamespaces.has(attrs.name)) return;
    throw new ForbiddenError(`namespaces "${attrs.name}" is forbidden: this namespace may not be deleted`, {
      name: attrs.name,
      kind: "namespaces",
    });
  },
};
