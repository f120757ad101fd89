// The PersistentVolume binder (Kubernetes' persistentvolume-binder-controller): binds pending
// claims to the best fitting volume (both sides: claimRef and volumeName, phases Bound), asks the
// class's provisioner for a volume when none fits, marks volumes Available or — once their claim
// is gone — Released, and reclaims Released volumes (Delete removes them; Retain keeps them;
// Recycle makes them Available again).
import type { PersistentVolume, PersistentVolumeClaim } from "kubernetes-types/core/v1.js";
import type { StorageClass } from "kubernetes-types/storage/v1.js";
import { ApiError } from "../../api/errors.ts";
import { objectKey, splitKey } from "../../client/informer/indexer.ts";
import type { Informer } from "../../client/informer/informer.ts";
import type { ResourceClient } from "../../client/resource-client.ts";
import type { ControllerContext, ControllerDescriptor, StopController } from "../manager.ts";
import { startQueueController } from "../util/queue-controller.ts";
import { claimClass, findBestMatch, preBoundTo } from "./match.ts";
import {
  annBetaStorageProvisioner,
  annBindCompleted,
  annBoundByController,
  annProvisionedBy,
  annStorageProvisioner,
  persistentVolumeClaimsResource,
  persistentVolumesResource,
  storageClassesResource,
} from "./resources.ts";

const tolerable = (err: unknown): boolean =>
  err instanceof ApiError && (err.code === 409 || err.code === 404);

class VolumeBinder {
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly volumes: Informer<PersistentVolume>;
  private readonly classes: Informer<StorageClass>;
  private readonly claimClient: ResourceClient<PersistentVolumeClaim>;
  private readonly volumeClient: ResourceClient<PersistentVolume>;

  constructor(private readonly ctx: ControllerContext) {
    this.claims = ctx.informers.informerFor<PersistentVolumeClaim>(persistentVolumeClaimsResource);
    this.volumes = ctx.informers.informerFor<PersistentVolume>(persistentVolumesResource);
    this.classes = ctx.informers.informerFor<StorageClass>(storageClassesResource);
    this.claimClient = ctx.client.resource<PersistentVolumeClaim>(persistentVolumeClaimsResource);
    this.volumeClient = ctx.client.resource<PersistentVolume>(persistentVolumesResource);
  }

  start(): StopController {
    return startQueueController({
      ctx: this.ctx,
      name: "persistentvolume-binder-controller",
      informers: [this.claims, this.volumes, this.classes],
      // One worker: two claims must not race for one volume.
      workers: 1,
      register: (queue) => {
        const claimKey = (c: PersistentVolumeClaim) => `claim:${objectKey(c)}`;
        const volumeKey = (v: PersistentVolume) => `volume:${v.metadata?.name ?? ""}`;
        const pendingClaims = (): void => {
          for (const c of this.claims.indexer.list()) if (!c.spec?.volumeName) queue.add(claimKey(c));
        };
        return [
          this.claims.addEventHandler({
            onAdd: (c) => queue.add(claimKey(c)),
            onUpdate: (_, c) => queue.add(claimKey(c)),
            onDelete: (c) => {
              const name = c.spec?.volumeName;
              if (name) queue.add(`volume:${name}`);
              // A volume pre-bound to the claim may be waiting for it.
              for (const v of this.volumes.indexer.list()) if (preBoundTo(v, c)) queue.add(volumeKey(v));
            },
          }),
          this.volumes.addEventHandler({
            onAdd: (v) => {
              queue.add(volumeKey(v));
              pendingClaims();
            },
            onUpdate: (_, v) => {
              queue.add(volumeKey(v));
              if (v.status?.phase === "Available") pendingClaims();
            },
          }),
        ];
      },
      sync: (key) =>
        key.startsWith("claim:") ? this.syncClaim(key.slice(6)) : this.syncVolume(key.slice(7)),
    });
  }

  private event(
    obj: PersistentVolumeClaim | PersistentVolume,
    kind: string,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
  ): void {
    this.ctx.recorder.event({ ...obj, apiVersion: "v1", kind }, type, reason, message);
  }

  private async syncClaim(key: string): Promise<void> {
    const claim = this.claims.indexer.get(key);
    if (!claim || claim.metadata?.deletionTimestamp !== undefined) return;
    const { namespace } = splitKey(key);
    const volumeName = claim.spec?.volumeName;
    if (volumeName) {
      const pv = this.volumes.indexer.get(volumeName);
      if (!pv) {
        if (claim.status?.phase === "Bound") {
          await this.setClaimPhase(claim, "Lost");
          this.event(
            claim,
            "PersistentVolumeClaim",
            "Warning",
            "ClaimLost",
            "Bound claim has lost its PersistentVolume. Data on the volume is lost!",
          );
        }
        return;
      }
      if (!pv.spec?.claimRef || preBoundTo(pv, claim)) await this.bind(pv, claim);
      return;
    }
    const pv = findBestMatch(claim, this.volumes.indexer.list());
    if (pv) {
      await this.bind(pv, claim);
      return;
    }
    const className = claimClass(claim);
    const sc = className ? this.classes.indexer.get(className) : undefined;
    if (sc && sc.volumeBindingMode !== "WaitForFirstConsumer") {
      if (claim.metadata?.annotations?.[annStorageProvisioner] !== sc.provisioner) {
        await this.claimClient.patch(
          claim.metadata?.name ?? "",
          {
            metadata: {
              annotations: {
                [annStorageProvisioner]: sc.provisioner,
                [annBetaStorageProvisioner]: sc.provisioner,
              },
            },
          },
          { type: "merge", namespace },
        );
        this.event(
          claim,
          "PersistentVolumeClaim",
          "Normal",
          "ExternalProvisioning",
          `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
        );
      }
      return;
    }
    if (sc?.volumeBindingMode === "WaitForFirstConsumer") {
      this.event(
        claim,
        "PersistentVolumeClaim",
        "Normal",
        "WaitForFirstConsumer",
        "waiting for first consumer to be created before binding",
      );
      return;
    }
    if (claim.status?.phase !== "Pending") await this.setClaimPhase(claim, "Pending");
    this.event(
      claim,
      "PersistentVolumeClaim",
      "Normal",
      "FailedBinding",
      className
        ? `storageclass.storage.k8s.io "${className}" not found`
        : "no persistent volumes available for this claim and no storage class is set",
    );
  }

  private async setClaimPhase(claim: PersistentVolumeClaim, phase: string): Promise<void> {
    try {
      await this.claimClient.updateStatus({ ...claim, status: { ...claim.status, phase } });
    } catch (err) {
      if (!tolerable(err)) throw err;
    }
  }

  /** Both halves of a binding, volume first (Kubernetes' order), each written only when it differs. */
  private async bind(pv: PersistentVolume, claim: PersistentVolumeClaim): Promise<void> {
    const pvName = pv.metadata?.name ?? "";
    const namespace = claim.metadata?.namespace ?? "";
    let volume = pv;
    const ref = pv.spec?.claimRef;
    if (!ref || ref.uid !== claim.metadata?.uid) {
      volume = await this.volumeClient.update({
        ...pv,
        metadata: {
          ...pv.metadata,
          annotations: {
            ...(pv.metadata?.annotations ?? {}),
            ...(ref ? {} : { [annBoundByController]: "yes" }),
          },
        },
        spec: {
          ...pv.spec,
          claimRef: {
            kind: "PersistentVolumeClaim",
            apiVersion: "v1",
            namespace,
            name: claim.metadata?.name ?? "",
            uid: claim.metadata?.uid ?? "",
            resourceVersion: claim.metadata?.resourceVersion ?? "",
          },
        },
      });
    }
    if (volume.status?.phase !== "Bound") {
      volume = await this.volumeClient.updateStatus({
        ...volume,
        status: { ...volume.status, phase: "Bound" },
      });
    }
    let bound = claim;
    if (claim.spec?.volumeName !== pvName || claim.metadata?.annotations?.[annBindCompleted] !== "yes") {
      bound = await this.claimClient.update({
        ...claim,
        metadata: {
          ...claim.metadata,
          annotations: {
            ...(claim.metadata?.annotations ?? {}),
            [annBindCompleted]: "yes",
            ...(claim.spec?.volumeName ? {} : { [annBoundByController]: "yes" }),
          },
        },
        spec: { ...claim.spec, volumeName: pvName },
      });
    }
    if (bound.status?.phase !== "Bound") {
      await this.claimClient.updateStatus({
        ...bound,
        status: {
          ...bound.status,
          phase: "Bound",
          accessModes: volume.spec?.accessModes ?? [],
          capacity: volume.spec?.capacity ?? {},
        },
      });
    }
  }

  private async syncVolume(name: string): Promise<void> {
    const pv = this.volumes.indexer.get(name);
    if (!pv || pv.metadata?.deletionTimestamp !== undefined) return;
    const ref = pv.spec?.claimRef;
    const setPhase = async (phase: string, volume = pv): Promise<PersistentVolume> => {
      if (volume.status?.phase === phase) return volume;
      try {
        return await this.volumeClient.updateStatus({ ...volume, status: { ...volume.status, phase } });
      } catch (err) {
        if (!tolerable(err)) throw err;
        return volume;
      }
    };
    if (!ref) {
      await setPhase("Available");
      return;
    }
    const claim = this.claims.indexer.get(`${ref.namespace ?? ""}/${ref.name ?? ""}`);
    if (claim && (!ref.uid || claim.metadata?.uid === ref.uid)) {
      if (claim.spec?.volumeName === name) await setPhase("Bound");
      else if (!ref.uid) await setPhase("Available");
      return;
    }
    if (!ref.uid) {
      // Pre-bound by name to a claim that does not exist (yet): available for it only.
      await setPhase("Available");
      return;
    }
    // The claim this volume was bound to is gone.
    const released = pv.status?.phase === "Failed" ? pv : await setPhase("Released");
    const policy = pv.spec?.persistentVolumeReclaimPolicy ?? "Retain";
    if (policy === "Recycle") {
      // Only the binding is undone: no recycler pod scrubs the data (Kubernetes deprecates Recycle).
      const { claimRef: _, ...spec } = released.spec ?? {};
      const recycled = await this.volumeClient.update({ ...released, spec });
      await setPhase("Available", recycled);
      this.event(
        pv,
        "PersistentVolume",
        "Normal",
        "RecyclerPod",
        "Recycler pod: Successfully assigned the volume for reuse",
      );
    } else if (policy === "Delete" && !pv.metadata?.annotations?.[annProvisionedBy]) {
      // Provisioned volumes are deleted by their provisioner (which also removes the data).
      try {
        await this.volumeClient.delete(name);
      } catch (err) {
        if (!tolerable(err)) throw err;
      }
    }
  }
}

export const persistentVolumeBinderController: ControllerDescriptor = {
  name: "persistentvolume-binder-controller",
  start: (ctx) => new VolumeBinder(ctx).start(),
};
