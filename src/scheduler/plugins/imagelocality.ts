// ImageLocality: prefers nodes that already hold the pod's images, weighted by image size and
// scaled down for images that are on most nodes anyway (so pods do not pile on a few nodes).
import type { PreScorePlugin, ScorePlugin } from "../types.ts";
import { maxNodeScore, skip, success } from "../types.ts";

const mb = 1024 * 1024;
const minThreshold = 23 * mb;
const maxContainerThreshold = 1000 * mb;
const stateKey = "ImageLocality";

/** The names a node may report for an image: as written and with an implied :latest tag. */
export function imageNames(name: string): string[] {
  const hasTag = name.lastIndexOf(":") > name.lastIndexOf("/");
  return hasTag || name.includes("@") ? [name] : [name, `${name}:latest`];
}

interface ImageState {
  /** per container: candidate names and the fraction of nodes that have the image */
  images: { names: string[]; spread: number }[];
}

export const imageLocality: PreScorePlugin & ScorePlugin = {
  name: "ImageLocality",
  weight: 1,
  preScore(state, pod, _nodes, snapshot) {
    const total = snapshot.nodes.length;
    const containers = pod.pod.spec?.containers ?? [];
    if (total === 0 || containers.length === 0) return skip;
    const images = containers.map((c) => {
      const names = imageNames(c.image ?? "");
      const have = Math.max(...names.map((n) => snapshot.nodesWithImage(n)));
      return { names, spread: have / total };
    });
    if (images.every((i) => i.spread === 0)) return skip;
    state.write(stateKey, { images } satisfies ImageState);
    return success;
  },
  score(state, _pod, node) {
    const s = state.read<ImageState>(stateKey);
    if (!s || node.images.size === 0) return 0;
    let sum = 0;
    for (const img of s.images) {
      for (const n of img.names) {
        const size = node.images.get(n);
        if (size !== undefined) {
          sum += size * img.spread;
          break;
        }
      }
    }
    const max = maxContainerThreshold * s.images.length;
    const clamped = Math.min(Math.max(sum, minThreshold), max);
    return Math.floor((maxNodeScore * (clamped - minThreshold)) / (max - minThreshold));
  },
};
