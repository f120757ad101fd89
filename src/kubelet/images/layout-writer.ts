// Writes images as an OCI image layout (oci-layout, index.json, blobs/sha256/…), either as tar
// entries of an oci-archive or as a directory. Everything is content-addressed and byte-reproducible.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  ContainerdNameAnnotation,
  type Descriptor,
  digestHex,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  jsonBlob,
  MediaType,
  RefNameAnnotation,
  sha256Digest,
} from "./oci.ts";
import { type TarEntry, writeTar } from "./tar.ts";

/** A compressed layer: the gzip blob, its digest, and the diff_id (digest of the uncompressed tar). */
export interface Layer {
  blob: Buffer;
  digest: string;
  diffId: string;
}

/** Builds a gzip layer from tar entries, given in the order they are to be written. */
export function buildLayer(entries: TarEntry[]): Layer {
  const tar = writeTar(entries);
  // gzip with no file name and mtime 0 (Node's default header), so equal input gives equal bytes.
  const blob = gzipSync(tar, { level: 9 });
  return { blob, digest: sha256Digest(blob), diffId: sha256Digest(tar) };
}

export interface ImageToWrite {
  /** Full references (`docker.io/library/busybox:latest`); each becomes one index.json entry. */
  refs: string[];
  /** The config without rootfs; rootfs.diff_ids are filled from the layers. */
  config: Omit<ImageConfig, "rootfs">;
  layers: Layer[];
}

/** The blobs and index of an OCI layout holding the given images (shared blobs written once). */
function layoutFiles(images: ImageToWrite[]): Map<string, Buffer> {
  const blobs = new Map<string, Buffer>();
  const manifests: Descriptor[] = [];
  for (const image of images) {
    const config: ImageConfig = {
      ...image.config,
      rootfs: { type: "layers", diff_ids: image.layers.map((l) => l.diffId) },
    };
    const configBlob = jsonBlob(config);
    const configDigest = sha256Digest(configBlob);
    blobs.set(configDigest, configBlob);
    for (const layer of image.layers) blobs.set(layer.digest, layer.blob);
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: configDigest, size: configBlob.length },
      layers: image.layers.map((l) => ({
        mediaType: MediaType.ociLayerGzip,
        digest: l.digest,
        size: l.blob.length,
      })),
    };
    const manifestBlob = jsonBlob(manifest);
    const manifestDigest = sha256Digest(manifestBlob);
    blobs.set(manifestDigest, manifestBlob);
    for (const ref of image.refs) {
      manifests.push({
        mediaType: MediaType.ociManifest,
        digest: manifestDigest,
        size: manifestBlob.length,
        annotations: { [ContainerdNameAnnotation]: ref, [RefNameAnnotation]: ref },
        platform: { architecture: image.config.architecture, os: image.config.os },
      });
    }
  }
  const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests };
  const files = new Map<string, Buffer>();
  for (const [digest, blob] of blobs) files.set(`blobs/sha256/${digestHex(digest)}`, blob);
  files.set("index.json", jsonBlob(index));
  files.set("oci-layout", jsonBlob({ imageLayoutVersion: "1.0.0" }));
  return files;
}

/** An oci-archive: the OCI layout as a tar, entries sorted, owned by root, mtime 0. */
export function buildOciArchive(images: ImageToWrite[]): Buffer {
  const files = layoutFiles(images);
  const names = [...files.keys()].sort();
  const entries: TarEntry[] = [
    { name: "blobs/", type: "directory" },
    { name: "blobs/sha256/", type: "directory" },
  ];
  for (const name of names) entries.push({ name, type: "file", content: files.get(name) });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return writeTar(entries);
}

/** Writes the OCI layout as a directory (for `skopeo copy oci:DIR` and import tests). */
export function writeOciLayoutDirectory(images: ImageToWrite[], dir: string): void {
  for (const [name, content] of layoutFiles(images)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}
