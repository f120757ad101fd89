// CustomResourceDefinition support for the API server: the CRD kind registered, the decoder and
// patcher seams made aware of custom resources, and the controller that serves what CRDs define.
import { apiextensionsResources } from "../../api/apiextensions/index.ts";
import type { Registry } from "../../api/registry.ts";
import type { Decoder, Patcher } from "../rest/context.ts";
import { customResourceDecoder, customResourcePatcher } from "./decoding.ts";

export { CrdController } from "./controller.ts";

/** Adds apiextensions.k8s.io/v1 to the registry unless the caller's resources already have it. */
export function withApiextensions(registry: Registry): Registry {
  for (const def of apiextensionsResources()) {
    if (!registry.resource(def.group, def.version, def.resource)) registry.add(def);
  }
  return registry;
}

/** The decoder and patcher with the custom-resource rules in front of the built-in ones. */
export function customResourceSeams(options: { decoder: Decoder; patcher: Patcher; registry: Registry }): {
  decoder: Decoder;
  patcher: Patcher;
} {
  return {
    decoder: customResourceDecoder(options.decoder),
    patcher: customResourcePatcher(options.patcher, options.registry),
  };
}
