// A CronTab CRD (the Kubernetes documentation's example, with a scale and status subresource and
// printer columns) for the apiextensions tests.
import type { CustomResourceDefinition } from "./types.ts";

export function cronTabCrd(
  overrides: Partial<CustomResourceDefinition["spec"]> = {},
): CustomResourceDefinition {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "crontabs.stable.example.com" },
    spec: {
      group: "stable.example.com",
      scope: "Namespaced",
      names: { plural: "crontabs", singular: "crontab", kind: "CronTab", shortNames: ["ct"] },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                spec: {
                  type: "object",
                  required: ["cronSpec"],
                  properties: {
                    cronSpec: { type: "string", pattern: "^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$" },
                    image: { type: "string" },
                    replicas: { type: "integer", minimum: 1, maximum: 10, default: 1 },
                  },
                },
                status: { type: "object", properties: { replicas: { type: "integer" } } },
              },
            },
          },
          subresources: {
            status: {},
            scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" },
          },
          additionalPrinterColumns: [
            { name: "Spec", type: "string", jsonPath: ".spec.cronSpec" },
            { name: "Replicas", type: "integer", jsonPath: ".spec.replicas" },
            { name: "Image", type: "string", jsonPath: ".spec.image", priority: 1 },
          ],
        },
        {
          name: "v1beta1",
          served: true,
          storage: false,
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        },
      ],
      ...overrides,
    },
  } as CustomResourceDefinition;
}
