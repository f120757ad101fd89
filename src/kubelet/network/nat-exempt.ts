// Kubernetes' network model: pods reach pods on other nodes without NAT. The CNI bridge plugin's
// ipMasq masquerades everything that leaves the node's own pod subnet, so a RETURN rule at the head
// of nat POSTROUTING exempts traffic between addresses of the cluster CIDR (as flannel does).
import { run } from "./exec-file.ts";

const comment = "skiff: pod to pod without NAT";

function ruleArgs(clusterCidr: string): string[] {
  return [
    "POSTROUTING",
    "-s",
    clusterCidr,
    "-d",
    clusterCidr,
    "-m",
    "comment",
    "--comment",
    comment,
    "-j",
    "RETURN",
  ];
}

/** Inserts the rule first in nat POSTROUTING unless it is there (idempotent). */
export async function ensurePodNatExemption(clusterCidr: string): Promise<void> {
  const present = await run("iptables", ["-w", "-t", "nat", "-C", ...ruleArgs(clusterCidr)], {
    allowFailure: true,
  });
  if (present.code === 0) return;
  await run("iptables", [
    "-w",
    "-t",
    "nat",
    "-I",
    ...ruleArgs(clusterCidr).slice(0, 1),
    "1",
    ...ruleArgs(clusterCidr).slice(1),
  ]);
}

export async function removePodNatExemption(clusterCidr: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const r = await run("iptables", ["-w", "-t", "nat", "-D", ...ruleArgs(clusterCidr)], {
      allowFailure: true,
    });
    if (r.code !== 0) return;
  }
}
