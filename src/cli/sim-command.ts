// The `skiff sim` command line (flags and defaults); the work is in sim.ts.
import type { Command } from "commander";
import { runSim } from "./sim.ts";

export function registerSim(program: Command): void {
  program
    .command("sim")
    .description("register hollow nodes (fake runtime) that heartbeat and run pods bound to them")
    .option("--kubeconfig <file>", "cluster and credentials (default $KUBECONFIG or ~/.kube/config)")
    .option("--server <url>", "API server URL (overrides the kubeconfig's)")
    .option("--token <token>", "bearer token")
    .option("--certificate-authority <file>", "CA bundle for the server certificate")
    .option("--insecure-skip-tls-verify", "do not verify the server certificate")
    .option("--nodes <n>", "how many nodes", "1")
    .option("--prefix <name>", "node names are <prefix>-<index>", "hollow-node")
    .option("--first-index <n>", "index of the first node", "0")
    .option("--pods-per-node <n>", "pods capacity of each node", "110")
    .option("--cpu <quantity>", "CPU capacity of each node", "4")
    .option("--memory <quantity>", "memory capacity of each node", "16Gi")
    .option("--ephemeral-storage <quantity>", "ephemeral-storage capacity of each node", "100Gi")
    .option("--labels <k=v,…>", "extra node labels; {i} or {i%K} in a value is the node index (mod K)")
    .option("--taints <k[=v]:Effect,…>", "node taints")
    .option("--cluster-cidr <cidr>", "pod CIDRs, one /24 per node by index", "10.64.0.0/10")
    .option("--ready-delay <duration>", "time a running container takes to become ready", "0s")
    .option("--lease-renew <duration>", "node lease renewal interval (kubelet: 10s)", "10s")
    .option("--concurrency <n>", "API requests in flight at most", "64")
    .option(
      "--transport <https|http2>",
      "HTTP/1.1 (a socket per request in flight) or HTTP/2 (one shared TLS session; experimental)",
      "https",
    )
    .option("--cleanup", "delete the Nodes and their Leases on exit")
    .option("--no-stats", "serve no resource metrics for the metrics API (kubectl top, HPA)")
    .option("--stats-port <port>", "loopback port of the nodes' shared stats listener (0: any free)", "0")
    .option(
      "--usage-fraction <f>",
      "share of its requests a container uses (pod annotation skiff.dev/hollow-usage: cpu=250m,memory=64Mi overrides)",
      "0.5",
    )
    .action(async (opts) => {
      await runSim(opts);
    });
}
