// Opens the container runtime the agent was asked for: containerd (Skiff's own supervised
// instance, or an existing CRI socket), runc, or the fake; `auto` tries containerd, then runc,
// and otherwise says exactly what to install. The local pause image is imported when missing.
import { join } from "node:path";
import { TimerQueue } from "../clock.ts";
import {
  type BuiltImages,
  BusyboxRefs,
  builtinImagesDir,
  ensureBuiltinImages,
  PauseRef,
} from "../images/busybox.ts";
import { ImageStore } from "../images/store.ts";
import { FakeRuntime } from "./fake/fake-runtime.ts";
import { InstrumentedRuntime } from "./instrumented.ts";
import type { Runtime } from "./runtime.ts";

// The backends are imported when chosen: an agent loads (and keeps in memory) only its own — the
// gRPC and protobuf stack of the containerd backend costs a runc agent several MB of RSS.
const containerdBackend = () => import("./containerd/open.ts");
const runcBackend = () => import("./runc/open.ts");

export type RuntimeChoice = "auto" | "containerd" | "runc" | "fake";

export interface OpenRuntimeOptions {
  choice: RuntimeChoice;
  dataDir: string;
  /** An existing CRI socket (--container-runtime-endpoint): containerd is not supervised. */
  endpoint?: string;
  /** Pod network bridge (default skiff0) and CNI network name (default skiff). */
  bridge?: string;
  /** Progress lines (which runtime was picked and why). */
  say?: (line: string) => void;
  /** Builds the pause/busybox archives when missing (default: in this process). */
  buildImages?: (cacheRoot: string) => Promise<BuiltImages>;
  /** runc: imports them into the image store under the data dir, busybox unpacked (default: in this process). */
  importImages?: (dataDir: string) => Promise<void>;
}

export interface OpenedRuntime {
  runtime: Runtime;
  /** "containerd", "runc" or "fake". */
  kind: string;
}

export class RuntimeUnavailableError extends Error {
  override name = "RuntimeUnavailableError";
}

export const installHint =
  "no container runtime can run here: install containerd, runc and the CNI plugins " +
  "(Debian: apt-get install containerd runc containernetworking-plugins), " +
  "or runc, conmon and the CNI plugins (apt-get install runc conmon containernetworking-plugins); " +
  "or run with --runtime fake (no real containers)";

/** The pause and busybox images, built offline from the host's busybox-static, when missing. */
async function ensureLocalImages(runtime: Runtime, o: OpenRuntimeOptions): Promise<void> {
  await ensureBuiltinImages(runtime.images, {
    cacheRoot: builtinImagesDir(o.dataDir),
    busybox: true,
    ...(o.buildImages ? { build: o.buildImages } : {}),
  });
}

async function openRunc(o: OpenRuntimeOptions): Promise<OpenedRuntime> {
  const images = new ImageStore({ dataDir: o.dataDir });
  const { openRuncRuntime, RuntimeToolMissingError } = await runcBackend();
  let runtime: Runtime;
  try {
    runtime = await openRuncRuntime({
      stateDir: join(o.dataDir, "runc"),
      images,
      network: { bridge: o.bridge ?? "skiff0", name: o.bridge ?? "skiff" },
    });
  } catch (err) {
    if (err instanceof RuntimeToolMissingError) throw new RuntimeUnavailableError(err.message);
    throw err;
  }
  try {
    const missing = async () =>
      !(await runtime.images.imageStatus({ image: PauseRef })) ||
      !(await runtime.images.imageStatus({ image: BusyboxRefs[1] ?? "" }));
    if (o.importImages && (await missing())) await o.importImages(o.dataDir);
    await ensureLocalImages(runtime, o);
  } catch (err) {
    await runtime.close();
    throw err;
  }
  return { runtime, kind: "runc" };
}

async function openContainerd(o: OpenRuntimeOptions): Promise<OpenedRuntime> {
  const { openContainerdRuntime } = await containerdBackend();
  const runtime = await openContainerdRuntime({
    dataDir: o.dataDir,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    network: { name: o.bridge ?? "skiff", bridge: o.bridge ?? "skiff0" },
  });
  try {
    if (!o.endpoint) await ensureLocalImages(runtime, o);
  } catch (err) {
    await runtime.close();
    throw err;
  }
  return { runtime, kind: "containerd" };
}

/** Opens the chosen backend behind the instrumented wrapper (kubelet_runtime_operations_*). */
export async function openRuntime(o: OpenRuntimeOptions): Promise<OpenedRuntime> {
  const opened = await openBackend(o);
  return { ...opened, runtime: new InstrumentedRuntime(opened.runtime) };
}

async function openBackend(o: OpenRuntimeOptions): Promise<OpenedRuntime> {
  switch (o.choice) {
    case "fake":
      return { runtime: new FakeRuntime({ clock: new TimerQueue() }), kind: "fake" };
    case "containerd":
      return openContainerd(o);
    case "runc":
      return openRunc(o);
    case "auto": {
      const missing = (await containerdBackend()).missingContainerdBinaries();
      if (o.endpoint || missing.length === 0) {
        try {
          const opened = await openContainerd(o);
          o.say?.("runtime: containerd (auto)");
          return opened;
        } catch (err) {
          const why = err instanceof Error ? err.message : String(err);
          throw new RuntimeUnavailableError(`containerd is installed but could not start: ${why}`);
        }
      }
      try {
        const opened = await openRunc(o);
        o.say?.(`runtime: runc (auto; containerd needs ${missing.join(", ")})`);
        return opened;
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        throw new RuntimeUnavailableError(
          `${installHint} (containerd: missing ${missing.join(", ")}; runc: ${why})`,
        );
      }
    }
  }
}
