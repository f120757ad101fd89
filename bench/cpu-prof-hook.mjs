// Loaded with `--import` through NODE_OPTIONS (where --cpu-prof is not allowed) to profile a
// process the bench does not spawn itself (the `skiff server` of test/support/skiff-server.ts):
// starts the V8 profiler at once and writes <BENCH_PROF_HOOK_DIR>/<pid>.cpuprofile at exit.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";

const dir = process.env.BENCH_PROF_HOOK_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.start");
  process.once("exit", () => {
    // Same-thread inspector sessions answer synchronously, so this runs before the exit completes.
    session.post("Profiler.stop", (err, res) => {
      if (!err) writeFileSync(`${dir}/${process.pid}.cpuprofile`, JSON.stringify(res.profile));
    });
  });
}
