// Creating and deleting a Job's pods under expectations (slow-start batches, one event per pod),
// so a sync does not act again before the informer has seen its own writes.
import type { Job } from "kubernetes-types/batch/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { NotFoundError } from "../../api/errors.ts";
import type { EventRecorder } from "../../client/events.ts";
import { objectKey } from "../../client/informer/indexer.ts";
import type { ObjectLike } from "../../client/object.ts";
import type { ResourceClient } from "../../client/resource-client.ts";
import { type ControllerExpectations, slowStartBatch } from "../util/expectations.ts";
import { newJobPod } from "./pods.ts";

export interface JobPodControlOptions {
  podClient: ResourceClient<Pod>;
  expectations: ControllerExpectations;
  recorder: EventRecorder;
}

export class JobPodControl {
  constructor(private readonly o: JobPodControlOptions) {}

  async create(
    key: string,
    job: Job,
    identity: ObjectLike,
    indexes: (number | undefined)[],
    annotations?: Map<number, Record<string, string>>,
  ): Promise<void> {
    this.o.expectations.expectCreations(key, indexes.length);
    let next = 0;
    const result = await slowStartBatch(indexes.length, 1, async () => {
      const ix = indexes[next++];
      const extra = ix === undefined ? undefined : annotations?.get(ix);
      const created = await this.o.podClient.create(newJobPod(job, ix, extra));
      this.o.recorder.event(
        identity,
        "Normal",
        "SuccessfulCreate",
        `Created pod: ${created.metadata?.name ?? ""}`,
      );
    });
    const skipped = indexes.length - result.successes;
    if (skipped > 0) this.o.expectations.lowerCreations(key, skipped);
    if (result.error !== undefined) {
      const message = result.error instanceof Error ? result.error.message : String(result.error);
      this.o.recorder.event(identity, "Warning", "FailedCreate", `Error creating: ${message}`);
      throw result.error;
    }
  }

  async delete(key: string, identity: ObjectLike, victims: Pod[]): Promise<void> {
    this.o.expectations.expectDeletions(key, victims.map(objectKey));
    const results = await Promise.allSettled(
      victims.map(async (p) => {
        try {
          await this.o.podClient.delete(p.metadata?.name ?? "", { namespace: p.metadata?.namespace ?? "" });
          this.o.recorder.event(
            identity,
            "Normal",
            "SuccessfulDelete",
            `Deleted pod: ${p.metadata?.name ?? ""}`,
          );
        } catch (err) {
          this.o.expectations.deletionObserved(key, objectKey(p));
          if (!(err instanceof NotFoundError)) throw err;
        }
      }),
    );
    const failed = results.find((r) => r.status === "rejected");
    if (failed?.status === "rejected") throw failed.reason;
  }
}
