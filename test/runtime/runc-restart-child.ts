// A stand-in kubelet for runc-restart.test.ts: opens the runc runtime on the given state, runs a
// sandbox with one long-running container, prints their ids as JSON and waits to be killed.
import { ImageStore } from "../../src/kubelet/images/store.ts";
import { openRuncRuntime } from "../../src/kubelet/runtime/runc/runc-runtime.ts";

interface ChildArgs {
  stateDir: string;
  imagesDir: string;
  bridge: string;
  networkName: string;
  podCidr: string;
  cgroupParent: string;
  logDirectory: string;
}

const args = JSON.parse(process.argv[2] ?? "{}") as ChildArgs;
const runtime = await openRuncRuntime({
  stateDir: args.stateDir,
  images: new ImageStore({ dataDir: args.imagesDir }),
  network: { bridge: args.bridge, name: args.networkName, podCidr: args.podCidr },
  cgroupRoot: args.cgroupParent,
});
const config = {
  metadata: { name: "survivor", namespace: "default", uid: "survivor-uid", attempt: 0 },
  logDirectory: args.logDirectory,
  linux: { cgroupParent: `${args.cgroupParent}/survivor` },
};
const sandboxId = await runtime.runPodSandbox(config);
const containerId = await runtime.createContainer(
  sandboxId,
  {
    metadata: { name: "main", attempt: 0 },
    image: { image: "docker.io/library/busybox:latest" },
    command: ["sh", "-c", "echo started; exec sleep 3600"],
    logPath: "main.log",
  },
  config,
);
await runtime.startContainer(containerId);
process.stdout.write(`${JSON.stringify({ sandboxId, containerId })}\n`);
setInterval(() => {}, 60_000);
