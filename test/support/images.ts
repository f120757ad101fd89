// Test images (busybox, pause) built offline once into .cache/images/<content key>/ and shared by
// every test file; concurrent builders write under temporary names and rename, so none sees a partial file.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type BuiltImages,
  BusyboxBuilderVersion,
  writeBusyboxArchives,
} from "../../src/kubelet/images/busybox.ts";

const busyboxPath = "/bin/busybox";
const cacheRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../.cache/images");

let built: BuiltImages | undefined;

/** Paths of the busybox (docker.io/library/busybox:latest, skiff.local/busybox:1) and pause archives. */
export function testImages(): BuiltImages {
  if (built) return built;
  const key = createHash("sha256")
    .update(`builder ${BusyboxBuilderVersion}\n`)
    .update(readFileSync(busyboxPath))
    .digest("hex")
    .slice(0, 16);
  const dir = join(cacheRoot, key);
  const paths: BuiltImages = { busybox: join(dir, "busybox.oci.tar"), pause: join(dir, "pause.oci.tar") };
  built =
    existsSync(paths.busybox) && existsSync(paths.pause) ? paths : writeBusyboxArchives(dir, { busyboxPath });
  return built;
}
