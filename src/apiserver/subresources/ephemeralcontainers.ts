// pods/ephemeralcontainers: GET, PUT and PATCH (JSON, merge, strategic merge — kubectl debug
// sends the latter) of the whole Pod, of which only spec.ephemeralContainers may change
// (Kubernetes' podEphemeralContainersStrategy: everything else is taken from the stored pod).
import type { Pod } from "kubernetes-types/core/v1.js";
import { validateEphemeralContainersUpdate } from "../../api/core/ephemeral-validation.ts";
import { MethodNotAllowedError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import type { ResourceDef, Strategy } from "../../api/resource.ts";
import { cloneJson } from "../patch/json.ts";
import type { RestContext } from "../rest/context.ts";
import { patchObject } from "../rest/patch.ts";
import { getObject } from "../rest/read.ts";
import { updateObject } from "../rest/write.ts";

/** dropNonEphemeralContainerUpdates: the stored pod with the request's ephemeral containers. */
export function keepOnlyEphemeralChanges(pod: KubeObject, old: KubeObject): void {
  const ephemeral = (pod as Pod).spec?.ephemeralContainers;
  for (const key of Object.keys(pod)) Reflect.deleteProperty(pod, key);
  Object.assign(pod, cloneJson(old));
  const spec = (pod as Pod).spec;
  if (!spec) return;
  if (ephemeral === undefined) delete spec.ephemeralContainers;
  else spec.ephemeralContainers = ephemeral;
}

/** The pods resource as the subresource writes it: its own prepare and update rule. */
function ephemeralView(def: ResourceDef): ResourceDef {
  const strategy: Strategy = {
    ...def.strategy,
    prepareForUpdate: keepOnlyEphemeralChanges,
    validateUpdate: (obj, old) => validateEphemeralContainersUpdate(obj as Pod, old as Pod),
  };
  return { ...def, strategy };
}

export async function podEphemeralContainers(ctx: RestContext): Promise<void> {
  const verb = ctx.info.verb;
  if (verb === "get") return getObject(ctx);
  const scoped: RestContext = { ...ctx, def: ephemeralView(ctx.def) };
  if (verb === "patch") return patchObject(scoped);
  if (verb === "update") return updateObject(scoped);
  throw new MethodNotAllowedError();
}
