// Which pod updates Pod Security admission checks (upstream's isSignificantPodUpdate): only those
// that change what the policy looks at and a pod may change — images, seccomp annotations, the
// number of (init) containers, added ephemeral containers. Metadata and status updates pass.
import type { Container, EphemeralContainer, Pod } from "kubernetes-types/core/v1.js";

const podSeccomp = "seccomp.security.alpha.kubernetes.io/pod";
const containerSeccomp = "container.seccomp.security.alpha.kubernetes.io/";

type Annotations = Record<string, string> | undefined;

function containerChanged(
  c: Container | EphemeralContainer,
  old: Container | EphemeralContainer,
  annotations: Annotations,
  oldAnnotations: Annotations,
): boolean {
  if (c.image !== old.image) return true;
  const key = `${containerSeccomp}${c.name}`;
  return annotations?.[key] !== oldAnnotations?.[key];
}

export function isSignificantPodUpdate(pod: Pod, old: Pod): boolean {
  const a = pod.metadata?.annotations;
  const oa = old.metadata?.annotations;
  if (a?.[podSeccomp] !== oa?.[podSeccomp]) return true;
  const lists: [Container[], Container[]][] = [
    [pod.spec?.containers ?? [], old.spec?.containers ?? []],
    [pod.spec?.initContainers ?? [], old.spec?.initContainers ?? []],
  ];
  for (const [now, before] of lists) {
    if (now.length !== before.length) return true;
    for (const [i, c] of now.entries()) {
      const o = before[i];
      if (!o || containerChanged(c, o, a, oa)) return true;
    }
  }
  for (const c of pod.spec?.ephemeralContainers ?? []) {
    const o = (old.spec?.ephemeralContainers ?? []).find((x) => x.name === c.name);
    if (!o || containerChanged(c, o, a, oa)) return true;
  }
  return false;
}
