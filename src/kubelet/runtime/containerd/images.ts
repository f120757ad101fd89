// CRI's ImageService over containerd, plus importImage, which CRI lacks: `ctr images import` into
// containerd's `k8s.io` namespace (the one the CRI plugin reads) from an OCI archive, a docker
// archive, or an OCI layout directory.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { stat, statfs } from "node:fs/promises";
import { promisify } from "node:util";
import type { AuthConfig, Image, ImageService, ImageSpec } from "../runtime.ts";
import type { CriClient } from "./cri-client.ts";
import type {
  CriImage,
  ImageFsInfoResponse,
  ImageStatusResponse,
  ListImagesResponse,
  PullImageResponse,
} from "./cri-types.ts";
import { int64 } from "./cri-types.ts";

const execFileAsync = promisify(execFile);

function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once("error", () => resolve(-1));
    child.once("close", (code) => resolve(code ?? -1));
  });
}

function imageFromCri(i: CriImage): Image {
  return {
    id: i.id,
    repoTags: i.repoTags,
    repoDigests: i.repoDigests,
    size: Number(i.size),
    ...(i.uid ? { uid: int64(i.uid) } : {}),
    ...(i.username ? { username: i.username } : {}),
  };
}

export interface ContainerdImageServiceOptions {
  client: CriClient;
  /** containerd's socket, for `ctr --address`. */
  socket: string;
  /** Default `ctr` on PATH. */
  ctrBinary?: string;
}

export class ContainerdImageService implements ImageService {
  constructor(private readonly options: ContainerdImageServiceOptions) {}

  async pullImage(image: ImageSpec, auth?: AuthConfig): Promise<string> {
    const res = await this.options.client.call<PullImageResponse>("PullImage", { image, auth });
    return res.imageRef;
  }

  async imageStatus(image: ImageSpec): Promise<Image | undefined> {
    const res = await this.options.client.call<ImageStatusResponse>("ImageStatus", { image });
    return res.image ? imageFromCri(res.image) : undefined;
  }

  async listImages(): Promise<Image[]> {
    const res = await this.options.client.call<ListImagesResponse>("ListImages", {});
    return res.images.map(imageFromCri);
  }

  async removeImage(image: ImageSpec): Promise<void> {
    await this.options.client.call("RemoveImage", { image });
  }

  async importImage(archivePath: string): Promise<Image[]> {
    const stdout = await this.ctrImport(archivePath);
    // ctr prints `unpacking <name> (sha256:…)...done` per image it imported.
    const names = [...stdout.matchAll(/^unpacking (\S+) \(/gm)].map((m) => m[1] ?? "");
    const images: Image[] = [];
    for (const name of names) {
      const image = await this.imageStatus({ image: name });
      if (image && !images.some((i) => i.id === image.id)) images.push(image);
    }
    return images;
  }

  /** `ctr images import`; an OCI layout directory is streamed to it as a tar on stdin. */
  private async ctrImport(path: string): Promise<string> {
    const ctr = this.options.ctrBinary ?? "ctr";
    const args = ["--address", this.options.socket, "-n", "k8s.io", "images", "import"];
    if (!(await stat(path)).isDirectory()) {
      return (await execFileAsync(ctr, [...args, path], { maxBuffer: 4 * 1024 * 1024 })).stdout;
    }
    const tar = spawn("tar", ["-C", path, "-cf", "-", "."], { stdio: ["ignore", "pipe", "pipe"] });
    const importer = spawn(ctr, [...args, "-"], { stdio: ["pipe", "pipe", "pipe"] });
    tar.stdout.pipe(importer.stdin);
    let out = "";
    let err = "";
    importer.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    importer.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    tar.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const [tarCode, ctrCode] = await Promise.all([exitOf(tar), exitOf(importer)]);
    if (tarCode !== 0 || ctrCode !== 0) throw new Error(`importing ${path} failed: ${err.trim()}`);
    return out;
  }

  async fsUsage(): Promise<{ usedBytes: number; capacityBytes: number }> {
    const res = await this.options.client.call<ImageFsInfoResponse>("ImageFsInfo", {});
    const fs = res.imageFilesystems[0];
    let usedBytes = int64(fs?.usedBytes);
    if (usedBytes === 0) {
      // containerd measures its snapshots only every stats_collect_period; until then, the images' sizes.
      usedBytes = (await this.listImages()).reduce((sum, i) => sum + i.size, 0);
    }
    const mountpoint = fs?.fsId?.mountpoint;
    if (!mountpoint) return { usedBytes, capacityBytes: 0 };
    const st = await statfs(mountpoint);
    return { usedBytes, capacityBytes: st.blocks * st.bsize };
  }
}
