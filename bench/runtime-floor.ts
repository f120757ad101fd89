// The bare runtime floor a pod start can approach: CRI RunPodSandbox, then CreateContainer +
// StartContainer of one busybox container, measured pod by pod through Skiff's containerd runtime
// (no kubelet, no API). Prints JSON with p50/p99 per step. bench/pods imports runtimeFloor().
// Usage: node --import tsx bench/runtime-floor.ts [pods=20]
import type { Runtime } from "../src/kubelet/runtime/runtime.ts";
import { busyboxImage, openTestRuntime } from "../test/runtime/containerd-harness.ts";

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? 0;
}

function summary(values: number[]): { p50_ms: number; p99_ms: number; min_ms: number; max_ms: number } {
  const s = [...values].sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 10) / 10;
  return {
    p50_ms: round(percentile(s, 50)),
    p99_ms: round(percentile(s, 99)),
    min_ms: round(s[0] ?? 0),
    max_ms: round(s[s.length - 1] ?? 0),
  };
}

export interface RuntimeFloorOptions {
  pods: number;
  image: string;
  /** Per pod: a sandbox config factory (log dir, cgroup parent) from the caller. */
  sandboxConfig: (name: string) => Parameters<Runtime["runPodSandbox"]>[0];
}

/** Starts `pods` one-container pods one after another, then removes them; returns latency figures. */
export async function runtimeFloor(runtime: Runtime, options: RuntimeFloorOptions) {
  const sandbox: number[] = [];
  const container: number[] = [];
  const whole: number[] = [];
  const ids: string[] = [];
  try {
    for (let i = 0; i < options.pods; i++) {
      const config = options.sandboxConfig(`floor-${i}`);
      const t0 = performance.now();
      const id = await runtime.runPodSandbox(config);
      ids.push(id);
      const t1 = performance.now();
      const c = await runtime.createContainer(
        id,
        {
          metadata: { name: "main", attempt: 0 },
          image: { image: options.image },
          command: ["sleep", "3600"],
          logPath: "main/0.log",
        },
        config,
      );
      await runtime.startContainer(c);
      const t2 = performance.now();
      sandbox.push(t1 - t0);
      container.push(t2 - t1);
      whole.push(t2 - t0);
    }
  } finally {
    for (const id of ids) {
      await runtime.stopPodSandbox(id);
      await runtime.removePodSandbox(id);
    }
  }
  return {
    pods: options.pods,
    run_pod_sandbox: summary(sandbox),
    create_start_container: summary(container),
    pod_floor: summary(whole),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pods = Number(process.argv[2] ?? 20);
  const began = performance.now();
  const t = await openTestRuntime({ bridge: "skc8", subnet: "10.201.8.0/24" });
  const containerdReadyMs = Math.round(performance.now() - began);
  try {
    const figures = await runtimeFloor(t.runtime, {
      pods,
      image: busyboxImage,
      sandboxConfig: (n) => t.sandboxConfig(n),
    });
    const version = await t.runtime.version();
    console.log(
      JSON.stringify(
        {
          runtime: `${version.runtimeName} ${version.runtimeVersion} (CRI)`,
          containerd_start_and_import_ms: containerdReadyMs,
          ...figures,
        },
        null,
        2,
      ),
    );
  } finally {
    const left = await t.teardown();
    if (left.length > 0) console.error("left on the host:", left);
  }
}
