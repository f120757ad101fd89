// The `skiff` command: entry point of the bundled CLI.
import { Command, Option } from "commander";
import { serverVersion } from "../apiserver/discovery.ts";
import { registerAgent } from "./agent-command.ts";
import { addHpaOptions, runControllerManager } from "./controller-manager.ts";
import { registerImage } from "./image.ts";
import { runTool } from "./passthrough.ts";
import { runReset } from "./reset.ts";
import { runProgram } from "./run-program.ts";
import { runSchedulerCommand } from "./scheduler.ts";
import { registerSecretsEncrypt } from "./secrets-encrypt.ts";
import { registerSim } from "./sim-command.ts";
import { runStatus } from "./status.ts";
import { registerToken } from "./token.ts";

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const program = new Command("skiff")
  .description("A lightweight Kubernetes-compatible orchestrator")
  .version(serverVersion.gitVersion, "--version", "print the Kubernetes version this Skiff serves")
  .exitOverride()
  .configureOutput({
    // Commander's own "error: …" lines are replaced by ours below; help text still shows.
    writeErr: (text) => {
      if (!text.startsWith("error:")) process.stderr.write(text);
    },
  });

const serverCommand = program
  .command("server")
  .description("run the API server, the controllers, the scheduler and an embedded node agent")
  .option("--data-dir <dir>", "state, certificates and kubeconfig", "./.skiff")
  .option("--listen <host:port>", "address of the Kubernetes API", "127.0.0.1:6443")
  .option("--datastore <url>", "sqlite://PATH (default <data-dir>/state.db) or etcd://HOST:PORT[,…]")
  .option("--disable-agent", "do not run a node agent in this process")
  .option("--disable-controller-manager", "do not run the controllers in this process")
  .option("--disable-scheduler", "do not run the scheduler in this process")
  .option("--tls-san <name>", "extra name or IP in the serving certificate (repeatable)", collect, [])
  .option("--service-cidr <cidr>", "range for Service cluster IPs", "10.43.0.0/16")
  .option("--cluster-cidr <cidr>", "range for Pod IPs", "10.42.0.0/16")
  .option("--token-auth-file <file>", 'static bearer tokens: CSV token,user,uid,"group1,group2"')
  .option("--kubelet-port <port>", "port of the embedded agent's kubelet server (0: any free)", "10250")
  .option("--disable-cluster-dns", "do not run the cluster DNS server in this process")
  .option("--no-proxy", "do not run the embedded agent's service proxy (nftables rules for Services)")
  .option("--cluster-dns-port <port>", "port of the cluster DNS server (UDP and TCP; 0: any free)", "10053")
  .option("--cluster-dns-address <ip>", "address pods reach the DNS server at (default: the node IP)")
  .option("--authorization-mode <modes>", "comma-separated: Node, RBAC, AlwaysAllow, AlwaysDeny", "Node,RBAC")
  .option("--encryption-provider-config <file>", "EncryptionConfiguration: resources encrypted at rest")
  .option(
    "--secrets-encryption",
    "encrypt Secrets at rest with AES-GCM under a key kept in the data dir (see skiff secrets-encrypt)",
  )
  .option(
    "--admission-control-config-file <file>",
    "AdmissionConfiguration: PodSecurity defaults and exemptions, webhook credentials",
  )
  .option("--audit-policy-file <file>", "audit.k8s.io/v1 Policy: which requests are logged, at which level")
  .option("--audit-log-path <file>", "write audit events as JSON lines to this file ('-': stdout)")
  .option("--audit-log-maxsize <MiB>", "rotate the audit log when it reaches this size (0: never)")
  .option("--audit-log-maxbackup <n>", "rotated audit logs to keep (0: all)")
  .option(
    "--disable-admission-plugins <names>",
    "comma-separated admission plugins to turn off (e.g. ServiceAccount)",
  )
  .addOption(
    new Option(
      "--metric-resolution <duration>",
      "how often the metrics API scrapes the kubelets (metrics.k8s.io)",
    )
      .default("15s")
      .env("SKIFF_METRIC_RESOLUTION"),
  )
  .option("--disable-ingress", "do not run the built-in ingress controller")
  .addOption(
    new Option("--ingress-http-port <port>", "host port of the ingress's HTTP listener (0: any free)")
      .default("80")
      .env("SKIFF_INGRESS_HTTP_PORT"),
  )
  .addOption(
    new Option("--ingress-https-port <port>", "host port of the ingress's HTTPS listener (0: any free)")
      .default("443")
      .env("SKIFF_INGRESS_HTTPS_PORT"),
  )
  .addOption(
    new Option("--runtime <runtime>", "container runtime")
      .choices(["auto", "runc", "containerd", "fake"])
      .default("auto"),
  )
  .action(async (opts) => {
    // Imported on use: the API server's modules (kinds, OpenAPI schemas) would cost every
    // `skiff agent` ~11 MB of RSS in the single-file bundle.
    const { runServer } = await import("./server.ts");
    await runServer(opts);
  });
addHpaOptions(serverCommand);

const controllerManagerCommand = program
  .command("controller-manager")
  .description("run the controllers (ReplicaSet, Deployment, ...) against an API server")
  .requiredOption("--kubeconfig <file>", "kubeconfig of the API server to manage")
  .option("--context <name>", "kubeconfig context (default: the current one)")
  .option("--no-leader-elect", "run without the kube-system/skiff-controller-manager Lease")
  .option("--lease-name <name>", "name of the leader-election Lease", "skiff-controller-manager")
  .option("--metrics-bind-address <host:port>", "serve Prometheus /metrics over HTTP here (default: off)")
  .action(async (opts) => {
    await runControllerManager(opts);
  });
addHpaOptions(controllerManagerCommand);

program
  .command("scheduler")
  .description("run the scheduler alone against a cluster")
  .requiredOption("--kubeconfig <file>", "kubeconfig of the cluster")
  .option("--scheduler-name <name>", "schedule pods whose spec.schedulerName is this", "default-scheduler")
  .option("--no-leader-elect", "schedule without holding the kube-system Lease")
  .option("--metrics-bind-address <host:port>", "serve Prometheus /metrics over HTTP here (default: off)")
  .action(async (opts) => {
    await runSchedulerCommand(opts);
  });

program
  .command("status")
  .description("summarize the cluster: nodes, pods, deployments short of replicas, recent warnings")
  .option("--data-dir <dir>", "the server's data dir (its admin kubeconfig is used)", "./.skiff")
  .option("--kubeconfig <file>", "kubeconfig of the cluster (default <data-dir>/kubeconfig)")
  .option("--context <name>", "kubeconfig context (default: the current one)")
  .action(async (opts: { dataDir: string; kubeconfig?: string; context?: string }) => {
    const kubeconfig = opts.kubeconfig ?? `${opts.dataDir}/kubeconfig`;
    await runStatus({ kubeconfig, ...(opts.context ? { context: opts.context } : {}) });
  });

program
  .command("reset")
  .description("remove the cluster kept in a data dir: its pods, rules, bridge, cgroups, mounts and files")
  .option("--data-dir <dir>", "the data dir of a stopped skiff server or agent", "./.skiff")
  .option("-y, --yes", "do not ask for confirmation")
  .action(async (opts: { dataDir: string; yes?: boolean }) => {
    await runReset(opts);
  });

for (const tool of ["kubectl", "helm"] as const) {
  program
    .command(tool)
    .description(
      `run ${tool} against this cluster (KUBECONFIG, else <SKIFF_DATA_DIR or ./.skiff>/kubeconfig)`,
    )
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("[args...]")
    .action(async (args: string[]) => {
      await runTool(tool, args);
    });
}

registerSim(program);
registerAgent(program);
registerImage(program);
registerToken(program);
registerSecretsEncrypt(program);

runProgram(program);
