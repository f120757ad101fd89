// The serviceaccounts resource: names, the SECRETS column and the token subresource.
import type { ServiceAccount } from "kubernetes-types/core/v1.js";
import { age } from "../duration.ts";
import { nameIsDnsSubdomain } from "../validation/names.ts";
import { ageColumn, column, defineResource, metaValidation, nameColumn, type Obj } from "./define.ts";

const meta = metaValidation(true, nameIsDnsSubdomain);

export const serviceAccounts = defineResource<Obj<ServiceAccount>>({
  group: "",
  version: "v1",
  resource: "serviceaccounts",
  singular: "serviceaccount",
  kind: "ServiceAccount",
  namespaced: true,
  shortNames: ["sa"],
  subresources: [
    {
      name: "token",
      kind: { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" },
      verbs: ["create"],
    },
  ],
  strategy: {
    validate: (sa) => meta.create(sa.metadata),
    validateUpdate: (sa, old) => meta.update(sa.metadata, old.metadata),
    table: {
      columns: [
        nameColumn,
        column(
          "Secrets",
          "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.",
          {
            type: "integer",
          },
        ),
        ageColumn,
      ],
      cells: (sa, now) => [
        sa.metadata?.name ?? "",
        (sa.secrets ?? []).length,
        age(sa.metadata?.creationTimestamp, now),
      ],
    },
  },
});
