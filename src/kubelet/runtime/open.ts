// Opens the container runtime the agent was asked for: containerd (Skiff's own supervised
// instance, or an existing CRI socket), runc, or the fake; `auto` tries containerd, then runc,
// and otherwise says exactly what to install. The local pause image is imported when missing.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { TimerQueue } from "../clock.ts";
import { PauseRef, writeBusyboxArchives } from "../images/busybox.ts";
import { openContainerdRuntime } from "./containerd/open.ts";
import { FakeRuntime } from "./fake/fake-runtime.ts";
import type { Runtime } from "./runtime.ts";

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

function onPath(binary: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${binary}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Imports the pause (and busybox) images built offline from the host's busybox when the pause image is missing. */
async function ensureLocalImages(runtime: Runtime, dataDir: string): Promise<void> {
  if (await runtime.images.imageStatus({ image: PauseRef })) return;
  const built = writeBusyboxArchives(join(dataDir, "images-build"));
  await runtime.images.importImage(built.pause);
  await runtime.images.importImage(built.busybox);
}

async function openContainerd(o: OpenRuntimeOptions): Promise<OpenedRuntime> {
  const runtime = await openContainerdRuntime({
    dataDir: o.dataDir,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    network: { name: o.bridge ?? "skiff", bridge: o.bridge ?? "skiff0" },
  });
  try {
    if (!o.endpoint) await ensureLocalImages(runtime, o.dataDir);
  } catch (err) {
    await runtime.close();
    throw err;
  }
  return { runtime, kind: "containerd" };
}

export async function openRuntime(o: OpenRuntimeOptions): Promise<OpenedRuntime> {
  switch (o.choice) {
    case "fake":
      return { runtime: new FakeRuntime({ clock: new TimerQueue() }), kind: "fake" };
    case "containerd":
      return openContainerd(o);
    case "runc":
      throw new RuntimeUnavailableError(
        "the runc runtime is not part of this build yet; use --runtime containerd (or fake)",
      );
    case "auto": {
      if (o.endpoint || (onPath("containerd") && onPath("runc"))) {
        try {
          const opened = await openContainerd(o);
          o.say?.("runtime: containerd (auto)");
          return opened;
        } catch (err) {
          const why = err instanceof Error ? err.message : String(err);
          throw new RuntimeUnavailableError(`containerd is installed but could not start: ${why}`);
        }
      }
      throw new RuntimeUnavailableError(installHint);
    }
  }
}
