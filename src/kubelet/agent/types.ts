// The seams of the agent's pod worker: the API calls it makes, the events it records and the
// volumes it asks for — small interfaces so tests drive the worker with the fake runtime.
import type { Pod, PodStatus } from "kubernetes-types/core/v1.js";

/** The API calls a pod worker makes. */
export interface PodApi {
  /** Strategic-merge-patches pods/status; the uid guards against a re-created namesake. */
  patchStatus(pod: Pod, status: PodStatus): Promise<void>;
  /** DELETE with gracePeriodSeconds 0 and a uid precondition; a missing pod is fine. */
  deleteNow(pod: Pod): Promise<void>;
}

export type EventSink = (pod: Pod, type: "Normal" | "Warning", reason: string, message: string) => void;

/** A pod's volumes on the host, prepared before its containers start. */
export interface PodVolumes {
  /** Prepares (or refreshes) every volume; volume name → host path. Throws when one cannot be set up. */
  setUp(pod: Pod): Promise<Map<string, string>>;
  /** The pod's /etc/hosts file (hostname and pod IP), written beside its volumes. */
  hostsFile(pod: Pod, podIP: string): Promise<string>;
  /** The host file bound at a container attempt's terminationMessagePath (created empty when asked). */
  terminationLog(uid: string, container: string, attempt: number, create: boolean): string;
  /** Unmounts and removes everything of the pod. Idempotent. */
  tearDown(uid: string): Promise<void>;
  /** Pod uids with state on disk (orphan clean-up after a restart). */
  podsOnDisk(): Promise<string[]>;
}
