// The default plugin set (kube-scheduler's default profile, minus volume plugins) in
// extension-point order, with upstream's score weights.
import { Framework, type FrameworkOptions } from "../framework.ts";
import { defaultPreemption } from "./defaultpreemption.ts";
import { imageLocality } from "./imagelocality.ts";
import { interPodAffinity } from "./interpodaffinity.ts";
import { nodeAffinity } from "./nodeaffinity.ts";
import { nodeName } from "./nodename.ts";
import { nodePorts } from "./nodeports.ts";
import { balancedAllocation, leastAllocated, nodeResourcesFit } from "./noderesources.ts";
import { nodeUnschedulable } from "./nodeunschedulable.ts";
import { podTopologySpread } from "./podtopologyspread.ts";
import { taintToleration } from "./tainttoleration.ts";

export function defaultFramework(options: Omit<FrameworkOptions, "profile"> = {}): Framework {
  const fw = new Framework({
    ...options,
    profile: {
      preFilter: [interPodAffinity, podTopologySpread],
      // Cheap, commonly failing checks first.
      filter: [
        nodeUnschedulable,
        nodeName,
        taintToleration,
        nodeAffinity,
        nodePorts,
        nodeResourcesFit,
        podTopologySpread,
        interPodAffinity,
      ],
      postFilter: [],
      preScore: [interPodAffinity, podTopologySpread, imageLocality],
      score: [
        taintToleration,
        nodeAffinity,
        leastAllocated,
        balancedAllocation,
        podTopologySpread,
        interPodAffinity,
        imageLocality,
      ],
      reserve: [],
      permit: [],
    },
  });
  fw.profile.postFilter.push(defaultPreemption(fw));
  return fw;
}
