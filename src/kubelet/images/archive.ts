// Reads image archives — an OCI layout directory, an oci-archive tar, a docker-archive tar (`docker
// save`, skopeo docker-archive:) — copying their blobs into the blob store with digest checks and
// returning the manifests and names found. The store then records them.
import { createReadStream } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, posix } from "node:path";
import type { BlobStore } from "./blobs.ts";
import {
  ContainerdNameAnnotation,
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  isIndexMediaType,
  jsonBlob,
  MediaType,
  RefNameAnnotation,
  sha256Digest,
} from "./oci.ts";
import { counted, type ProgressListener } from "./progress.ts";
import { InvalidReferenceError, normalizeReference } from "./reference.ts";
import { readTar, TarFormatError } from "./tar.ts";

/** An image whose blobs are all in the blob store. */
export interface ArchivedImage {
  manifestDigest: string;
  manifest: ImageManifest;
  /** Fully qualified names (none when the archive names the image only by a bare tag). */
  refs: string[];
}

/** Thrown for a file that is none of the supported archive formats, or is inconsistent. */
export class ArchiveFormatError extends Error {
  override name = "ArchiveFormatError";
}

/** Blob access by file name inside the archive (`blobs/sha256/…`, `abc/layer.tar`). */
interface ArchiveFiles {
  has(name: string): boolean;
  /** Puts the named file into the blob store; returns its digest (checked against `expected`). */
  stage(name: string, expected?: string): Promise<string>;
  json(name: string): Promise<unknown>;
}

export const isPlatformMatch = (d: Descriptor): boolean =>
  !d.platform || (d.platform.os === "linux" && d.platform.architecture === "amd64");

function refsOf(annotations: Record<string, string> | undefined): string[] {
  const name = annotations?.[ContainerdNameAnnotation] ?? annotations?.[RefNameAnnotation];
  if (!name) return [];
  try {
    // A bare tag ("latest", as `skopeo copy oci:dir:latest` writes) names no repository.
    return name.includes("/") || name.includes(":") ? [normalizeReference(name)] : [];
  } catch (err) {
    if (err instanceof InvalidReferenceError) return [];
    throw err;
  }
}

async function fromOciLayout(files: ArchiveFiles, blobs: BlobStore): Promise<ArchivedImage[]> {
  const index = (await files.json("index.json")) as ImageIndex;
  if (!Array.isArray(index.manifests)) throw new ArchiveFormatError("index.json has no manifests");
  const byDigest = new Map<string, ArchivedImage>();
  const visit = async (descriptor: Descriptor, refs: string[], depth: number): Promise<void> => {
    const name = `blobs/sha256/${descriptor.digest.replace(/^sha256:/, "")}`;
    if (!files.has(name)) throw new ArchiveFormatError(`archive lacks the blob ${descriptor.digest}`);
    await files.stage(name, descriptor.digest);
    const body = JSON.parse((await blobs.read(descriptor.digest)).toString("utf8")) as ImageManifest &
      ImageIndex;
    if (isIndexMediaType(descriptor.mediaType ?? body.mediaType) || Array.isArray(body.manifests)) {
      if (depth > 2) throw new ArchiveFormatError("image indexes nested too deeply");
      const chosen = body.manifests.find(isPlatformMatch);
      if (!chosen) throw new ArchiveFormatError(`no linux/amd64 image in ${descriptor.digest}`);
      await visit(chosen, refs, depth + 1);
      return;
    }
    for (const d of [body.config, ...body.layers]) {
      const blobName = `blobs/sha256/${d.digest.replace(/^sha256:/, "")}`;
      if (!files.has(blobName)) throw new ArchiveFormatError(`archive lacks the blob ${d.digest}`);
      await files.stage(blobName, d.digest);
    }
    const found = byDigest.get(descriptor.digest);
    if (found) found.refs.push(...refs.filter((r) => !found.refs.includes(r)));
    else
      byDigest.set(descriptor.digest, { manifestDigest: descriptor.digest, manifest: body, refs: [...refs] });
  };
  for (const descriptor of index.manifests) {
    if (!isPlatformMatch(descriptor)) continue;
    await visit(descriptor, refsOf(descriptor.annotations), 0);
  }
  return [...byDigest.values()];
}

interface DockerManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

async function fromDockerArchive(files: ArchiveFiles, blobs: BlobStore): Promise<ArchivedImage[]> {
  const entries = (await files.json("manifest.json")) as DockerManifestEntry[];
  if (!Array.isArray(entries)) throw new ArchiveFormatError("manifest.json is not a list");
  const out: ArchivedImage[] = [];
  for (const entry of entries) {
    const configDigest = await files.stage(entry.Config);
    const configBlob = await blobs.read(configDigest);
    const config = JSON.parse(configBlob.toString("utf8")) as ImageConfig;
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== entry.Layers.length) {
      throw new ArchiveFormatError(
        `${entry.Config}: ${diffIds.length} diff_ids for ${entry.Layers.length} layers`,
      );
    }
    const layers: Descriptor[] = [];
    for (const [i, layerName] of entry.Layers.entries()) {
      const digest = await files.stage(layerName);
      const head = (await blobs.read(digest)).subarray(0, 2);
      const gzipped = head[0] === 0x1f && head[1] === 0x8b;
      if (!gzipped && digest !== diffIds[i]) {
        throw new ArchiveFormatError(`layer ${layerName} has digest ${digest}, config says ${diffIds[i]}`);
      }
      layers.push({
        mediaType: gzipped ? MediaType.ociLayerGzip : MediaType.ociLayer,
        digest,
        size: await blobs.size(digest),
      });
    }
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: configDigest, size: configBlob.length },
      layers,
    };
    const manifestDigest = await blobs.put(jsonBlob(manifest));
    const refs = (entry.RepoTags ?? []).flatMap((t) => refsOf({ [ContainerdNameAnnotation]: t }));
    out.push({ manifestDigest, manifest, refs });
  }
  return out;
}

/** Reports the copy of one archive file: its digest when the name says (blobs/sha256/<hex>). */
function fileProgress(name: string, total: number | undefined, report: ProgressListener | undefined) {
  const m = /(?:^|\/)blobs\/sha256\/([0-9a-f]{64})$/.exec(name);
  const id = m ? `sha256:${m[1]}` : name;
  return {
    source: (stream: AsyncIterable<Buffer>): AsyncIterable<Buffer> =>
      report
        ? counted(stream, (done) => report({ kind: "blob", id, done, total, state: "copying" }))
        : stream,
    end: (state: "done" | "exists", done: number) => report?.({ kind: "blob", id, done, total, state }),
  };
}

// Small files of an archive are shown as blobs too when they are layers, not JSON.
const isBlobName = (name: string): boolean => name.startsWith("blobs/") || /\.tar(\.gz)?$/.test(name);

function directoryFiles(
  dir: string,
  blobs: BlobStore,
  names: Set<string>,
  created: Set<string>,
  report: ProgressListener | undefined,
): ArchiveFiles {
  return {
    has: (name) => names.has(name),
    stage: async (name, expected) => {
      const digest = expected ?? sha256Digest(await readFile(join(dir, name)));
      const size = (await stat(join(dir, name))).size;
      const progress = fileProgress(name, size, isBlobName(name) ? report : undefined);
      if (!(await blobs.has(digest))) {
        await blobs.putStream(progress.source(createReadStream(join(dir, name))), digest);
        created.add(digest);
        progress.end("done", size);
      } else progress.end("exists", size);
      return digest;
    },
    json: async (name) => JSON.parse(await readFile(join(dir, name), "utf8")),
  };
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, name)));
    else out.push(name);
  }
  return out;
}

/**
 * Tar archives are read once, front to back: each regular file is hashed into the blob store as it
 * passes (so a blob is never held twice), and small JSON files are kept for parsing.
 */
async function tarFiles(
  path: string,
  blobs: BlobStore,
  created: Set<string>,
  report: ProgressListener | undefined,
): Promise<ArchiveFiles> {
  const digests = new Map<string, string>();
  const links = new Map<string, string>();
  for await (const entry of readTar(createReadStream(path), { maxBufferedBytes: 1 << 20 })) {
    const name = posix.normalize(entry.name).replace(/^(\.\/|\/)+/, "");
    if (entry.type === "file" && entry.stream) {
      const progress = fileProgress(name, entry.size, report);
      const digest = await blobs.putStream(progress.source(entry.stream));
      created.add(digest); // may have existed; deleting an unreferenced blob is harmless either way
      digests.set(name, digest);
      progress.end("done", entry.size ?? 0);
    } else if (entry.type === "file") {
      const content = entry.content ?? Buffer.alloc(0);
      const digest = sha256Digest(content);
      const fresh = !(await blobs.has(digest));
      if (fresh) created.add(digest);
      digests.set(name, await blobs.put(content, digest));
      if (isBlobName(name))
        fileProgress(name, content.length, report).end(fresh ? "done" : "exists", content.length);
    } else if (entry.type === "symlink" || entry.type === "hardlink") {
      const target = entry.linkname ?? "";
      links.set(name, entry.type === "symlink" ? posix.join(posix.dirname(name), target) : target);
    }
  }
  for (const [name, target] of links) {
    const digest = digests.get(posix.normalize(target));
    if (digest) digests.set(name, digest);
  }
  const digestOf = (name: string): string => {
    const digest = digests.get(posix.normalize(name));
    if (!digest) throw new ArchiveFormatError(`archive lacks ${name}`);
    return digest;
  };
  return {
    has: (name) => digests.has(posix.normalize(name)),
    stage: async (name, expected) => {
      const digest = digestOf(name);
      if (expected !== undefined && digest !== expected) {
        throw new ArchiveFormatError(`${name} has digest ${digest}, expected ${expected}`);
      }
      return digest;
    },
    json: async (name) => JSON.parse((await blobs.read(digestOf(name))).toString("utf8")),
  };
}

/**
 * Reads the images of an OCI layout directory, an oci-archive or a docker-archive. `created` receives
 * the digests of blobs this call added to the store (the caller deletes those no image references).
 */
export async function readArchive(
  path: string,
  blobs: BlobStore,
  created: Set<string>,
  onProgress?: ProgressListener,
): Promise<ArchivedImage[]> {
  let files: ArchiveFiles;
  try {
    files = (await stat(path)).isDirectory()
      ? directoryFiles(path, blobs, new Set(await listFiles(path)), created, onProgress)
      : await tarFiles(path, blobs, created, onProgress);
  } catch (err) {
    if (err instanceof TarFormatError) throw new ArchiveFormatError(`${path}: ${err.message}`);
    throw err;
  }
  if (files.has("index.json") && files.has("oci-layout")) return fromOciLayout(files, blobs);
  if (files.has("manifest.json")) return fromDockerArchive(files, blobs);
  throw new ArchiveFormatError(`${path} is neither an OCI image layout nor a docker-archive`);
}
