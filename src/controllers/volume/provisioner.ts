// The local-path provisioner (skiff.io/local-path, like k3s' local-path-provisioner): makes sure
// the default StorageClass `local-path` exists; for each claim waiting on it creates a hostPath
// PersistentVolume under <data-dir>/storage (pre-bound to the claim, with the directory); when
// such a volume is Released with reclaim policy Delete, removes the directory and the volume.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { PersistentVolume, PersistentVolumeClaim } from "kubernetes-types/core/v1.js";
import type { StorageClass } from "kubernetes-types/storage/v1.js";
import { ApiError } from "../../api/errors.ts";
import { objectKey } from "../../client/informer/indexer.ts";
import type { ControllerDescriptor } from "../manager.ts";
import { startQueueController } from "../util/queue-controller.ts";
import {
  annDefaultClass,
  annProvisionedBy,
  annStorageProvisioner,
  persistentVolumeClaimsResource,
  persistentVolumesResource,
  storageClassesResource,
} from "./resources.ts";

export const localPathProvisioner = "skiff.io/local-path";
export const localPathClassName = "local-path";

export interface LocalPathOptions {
  /** Volumes live in <dataDir>/storage. */
  dataDir: string;
  /** Create the default `local-path` StorageClass when missing (default true). */
  createDefaultClass?: boolean;
}

/**
 * The default class. Immediate binding, not k3s' WaitForFirstConsumer: Skiff's scheduler has no
 * volume-binding step that would pick a node for a waiting claim, so such claims would stay
 * Pending; the volumes live on the server's host, where Immediate provisioning can create them.
 */
export function defaultStorageClass(): StorageClass {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: localPathClassName, annotations: { [annDefaultClass]: "true" } },
    provisioner: localPathProvisioner,
    reclaimPolicy: "Delete",
    volumeBindingMode: "Immediate",
  };
}

export function volumeFor(claim: PersistentVolumeClaim, sc: StorageClass, root: string): PersistentVolume {
  const uid = claim.metadata?.uid ?? "";
  const name = `pvc-${uid}`;
  const ns = claim.metadata?.namespace ?? "";
  return {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name, annotations: { [annProvisionedBy]: localPathProvisioner } },
    spec: {
      capacity: { storage: claim.spec?.resources?.requests?.storage ?? "1Gi" },
      accessModes: claim.spec?.accessModes ?? ["ReadWriteOnce"],
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? "Delete",
      storageClassName: sc.metadata?.name ?? "",
      volumeMode: claim.spec?.volumeMode ?? "Filesystem",
      hostPath: {
        path: join(root, `${name}_${ns}_${claim.metadata?.name ?? ""}`),
        type: "DirectoryOrCreate",
      },
      claimRef: {
        kind: "PersistentVolumeClaim",
        apiVersion: "v1",
        namespace: ns,
        name: claim.metadata?.name ?? "",
        uid,
        resourceVersion: claim.metadata?.resourceVersion ?? "",
      },
    },
  };
}

export function localPathProvisionerDescriptor(options: LocalPathOptions): ControllerDescriptor {
  const root = join(options.dataDir, "storage");
  return {
    name: "local-path-provisioner",
    async start(ctx) {
      const claims = ctx.informers.informerFor<PersistentVolumeClaim>(persistentVolumeClaimsResource);
      const volumes = ctx.informers.informerFor<PersistentVolume>(persistentVolumesResource);
      const classes = ctx.informers.informerFor<StorageClass>(storageClassesResource);
      const volumeClient = ctx.client.resource<PersistentVolume>(persistentVolumesResource);
      if (options.createDefaultClass !== false) {
        try {
          await ctx.client.resource<StorageClass>(storageClassesResource).create(defaultStorageClass());
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 409))
            ctx.logger.warn({ err }, "default StorageClass not created");
        }
      }
      return startQueueController({
        ctx,
        name: "local-path-provisioner",
        informers: [claims, volumes, classes],
        register: (queue) => [
          claims.addEventHandler({
            onAdd: (c) => queue.add(`claim:${objectKey(c)}`),
            onUpdate: (_, c) => queue.add(`claim:${objectKey(c)}`),
          }),
          volumes.addEventHandler({
            onAdd: (v) => queue.add(`volume:${v.metadata?.name ?? ""}`),
            onUpdate: (_, v) => queue.add(`volume:${v.metadata?.name ?? ""}`),
          }),
        ],
        sync: async (key) => {
          if (key.startsWith("volume:")) {
            const pv = volumes.indexer.get(key.slice(7));
            if (!pv || pv.metadata?.annotations?.[annProvisionedBy] !== localPathProvisioner) return;
            if (pv.status?.phase !== "Released" || pv.spec?.persistentVolumeReclaimPolicy !== "Delete")
              return;
            const path = pv.spec?.hostPath?.path ?? "";
            // Only directories this provisioner made: never a path outside its root.
            if (path.startsWith(`${root}/`)) await rm(path, { recursive: true, force: true });
            try {
              await volumeClient.delete(pv.metadata?.name ?? "");
            } catch (err) {
              if (!(err instanceof ApiError && err.code === 404)) throw err;
            }
            return;
          }
          const claim = claims.indexer.get(key.slice(6));
          if (!claim || claim.spec?.volumeName || claim.metadata?.deletionTimestamp !== undefined) return;
          if (claim.metadata?.annotations?.[annStorageProvisioner] !== localPathProvisioner) return;
          const sc = classes.indexer.get(claim.spec?.storageClassName ?? "");
          if (!sc || sc.provisioner !== localPathProvisioner) return;
          const pv = volumeFor(claim, sc, root);
          if (volumes.indexer.get(pv.metadata?.name ?? "")) return;
          await mkdir(pv.spec?.hostPath?.path ?? root, { recursive: true, mode: 0o777 });
          try {
            await volumeClient.create(pv);
          } catch (err) {
            if (err instanceof ApiError && err.code === 409) return;
            ctx.recorder.event(
              { ...claim, apiVersion: "v1", kind: "PersistentVolumeClaim" },
              "Warning",
              "ProvisioningFailed",
              `failed to provision volume with StorageClass "${sc.metadata?.name ?? ""}": ${err instanceof Error ? err.message : String(err)}`,
            );
            throw err;
          }
          ctx.recorder.event(
            { ...claim, apiVersion: "v1", kind: "PersistentVolumeClaim" },
            "Normal",
            "ProvisioningSucceeded",
            `Successfully provisioned volume ${pv.metadata?.name ?? ""}`,
          );
        },
      });
    },
  };
}
