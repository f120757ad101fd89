// `skiff image import|ls|rm|pull|build-busybox`: the node's image store from the command line.
import { execFile } from "node:child_process";
import type { Writable } from "node:stream";
import { promisify } from "node:util";
import type { Command } from "commander";
import { writeBusyboxArchives } from "../kubelet/images/busybox.ts";
import { ImageStore } from "../kubelet/images/store.ts";
import { humanSize, ProgressPrinter } from "./image-progress.ts";
import { UsageError } from "./usage.ts";

const execFileAsync = promisify(execFile);
const collect = (value: string, previous: string[]): string[] => [...previous, value];

interface DataDirOptions {
  dataDir: string;
}

/** Thrown when `skiff image rm` names no image (exit status 1, one line). */
export class NoSuchImageError extends Error {
  override name = "NoSuchImageError";
}

/** crictl-style columns: IMAGE, TAG, IMAGE ID (13 hex digits), SIZE. */
export function formatImageTable(rows: { repoTags: string[]; id: string; size: number }[]): string {
  const lines: string[][] = [["IMAGE", "TAG", "IMAGE ID", "SIZE"]];
  for (const image of rows) {
    const id = image.id.replace(/^sha256:/, "").slice(0, 13);
    const tags = image.repoTags.length > 0 ? image.repoTags : ["<none>:<none>"];
    for (const ref of tags) {
      const colon = ref.lastIndexOf(":");
      lines.push([ref.slice(0, colon), ref.slice(colon + 1), id, humanSize(image.size)]);
    }
  }
  const widths = [0, 1, 2].map((i) => Math.max(...lines.map((l) => (l[i] ?? "").length)));
  return lines
    .map((l) =>
      l
        .map((cell, i) => (i < 3 ? cell.padEnd((widths[i] ?? 0) + 3) : cell))
        .join("")
        .trimEnd(),
    )
    .join("\n");
}

/** Thrown when ctr refuses an import (its last stderr line is the message). */
export class ContainerdImportError extends Error {
  override name = "ContainerdImportError";
}

/** `ctr images import` into containerd's k8s.io namespace (the one its CRI plugin serves). */
async function importIntoContainerd(address: string, file: string): Promise<string[]> {
  try {
    const { stdout } = await execFileAsync("ctr", [
      "--address",
      address,
      "-n",
      "k8s.io",
      "images",
      "import",
      file,
    ]);
    // ctr prints `unpacking <name> (sha256:…)...done` per image.
    return [...stdout.matchAll(/^unpacking (\S+) \(/gm)].map((m) => m[1] ?? "");
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? "").trim();
    throw new ContainerdImportError(`ctr images import ${file}: ${stderr.split("\n").at(-1) || String(err)}`);
  }
}

export function registerImage(program: Command, stdout: Writable = process.stdout): void {
  const image = program.command("image").description("manage the images of this node's image store");
  const print = (text: string) => stdout.write(`${text}\n`);
  const dataDirOption = [
    "--data-dir <dir>",
    "the node's data dir (its images are in <dir>/images)",
    "./.skiff",
  ] as const;

  image
    .command("import")
    .description("load OCI layout directories, oci-archive or docker-archive tarballs")
    .argument("<files...>", "archive files or OCI layout directories")
    .option(...dataDirOption)
    .option("--containerd-address <socket>", "import into this containerd (namespace k8s.io) instead")
    .action(async (files: string[], opts: DataDirOptions & { containerdAddress?: string }) => {
      if (opts.containerdAddress) {
        for (const file of files) {
          for (const name of await importIntoContainerd(opts.containerdAddress, file))
            print(`imported ${name}`);
        }
        return;
      }
      const store = new ImageStore({ dataDir: opts.dataDir });
      const progress = new ProgressPrinter(stdout);
      let images = 0;
      for (const file of files) {
        const imported = await store.importImage(file, { onProgress: progress.update });
        if (imported.length === 0) throw new UsageError(`${file} holds no linux/amd64 image`);
        for (const i of imported) print(`imported ${i.repoTags.join(", ") || "<untagged>"} (${i.id})`);
        images += imported.length;
      }
      print(`imported ${images} image${images === 1 ? "" : "s"}: ${progress.summary()}`);
    });

  image
    .command("ls")
    .description("list the images in the store")
    .option(...dataDirOption)
    .option("-q, --quiet", "print image ids only")
    .action(async (opts: DataDirOptions & { quiet?: boolean }) => {
      const images = await new ImageStore({ dataDir: opts.dataDir }).listImages();
      images.sort((a, b) => (a.repoTags[0] ?? a.id).localeCompare(b.repoTags[0] ?? b.id));
      print(opts.quiet ? images.map((i) => i.id).join("\n") : formatImageTable(images));
    });

  image
    .command("rm")
    .description("remove images (with all their tags) by reference or id")
    .argument("<refs...>", "image references or ids")
    .option(...dataDirOption)
    .action(async (refs: string[], opts: DataDirOptions) => {
      const store = new ImageStore({ dataDir: opts.dataDir });
      for (const ref of refs) {
        const found = await store.imageStatus({ image: ref });
        if (!found) throw new NoSuchImageError(`no such image: ${ref}`);
        await store.removeImage({ image: ref });
        print(`deleted ${found.id}`);
      }
    });

  image
    .command("pull")
    .description("pull an image from a registry (plain HTTP for localhost registries)")
    .argument("<ref>", "image reference")
    .option(...dataDirOption)
    .option("--username <user>", "registry user name")
    .option("--password <password>", "registry password")
    .option("--insecure-registry <host:port>", "speak plain HTTP to this registry (repeatable)", collect, [])
    .action(
      async (
        ref: string,
        opts: DataDirOptions & { username?: string; password?: string; insecureRegistry: string[] },
      ) => {
        const store = new ImageStore({
          dataDir: opts.dataDir,
          registry: { insecureRegistries: opts.insecureRegistry },
        });
        const auth =
          opts.username !== undefined
            ? { username: opts.username, password: opts.password ?? "" }
            : undefined;
        const progress = new ProgressPrinter(stdout);
        const id = await store.pullImage({ image: ref }, auth, { onProgress: progress.update });
        print(`pulled ${ref} (${id}): ${progress.summary()}`);
      },
    );

  image
    .command("build-busybox")
    .description("build the busybox and pause test images offline from Debian's busybox-static")
    .option("--output <dir>", "where to write busybox.oci.tar and pause.oci.tar", ".")
    .option("--busybox <path>", "the static busybox binary", "/bin/busybox")
    .action((opts: { output: string; busybox: string }) => {
      const built = writeBusyboxArchives(opts.output, { busyboxPath: opts.busybox });
      print(built.busybox);
      print(built.pause);
    });
}
