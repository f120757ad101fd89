// The garbage collector as a controller-manager controller: shares the manager's informers and
// starts in the background (its resource discovery must not hold up the other controllers).
import type { ControllerDescriptor } from "../manager.ts";
import { GarbageCollector } from "./garbagecollector.ts";

export const garbageCollectorController: ControllerDescriptor = {
  name: "garbage-collector-controller",
  start(ctx) {
    const gc = new GarbageCollector({
      client: ctx.client,
      workers: ctx.workers,
      informerFor: (r) => ctx.informers.informerFor(r),
      onError: (err, key) =>
        ctx.logger.warn({ err, key, controller: "garbage-collector" }, "sync failed; requeued"),
    });
    const started = gc.start().catch((err: unknown) => {
      ctx.logger.error({ err, controller: "garbage-collector" }, "garbage collector failed to start");
    });
    return async () => {
      await gc.stop();
      await started;
    };
  },
};
