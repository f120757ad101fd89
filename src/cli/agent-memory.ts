// Gives back the memory an agent only needed to start: a few full garbage collections once it is
// ready, so V8 flushes the bytecode of code that ran once (module setup, the first pods' paths,
// certificate creation) and shrinks its heap, instead of keeping it until load forces GCs.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** V8 flushes a function's bytecode once it has not run for this many full GCs (--bytecode-old-age). */
const bytecodeOldAge = 5;

/**
 * Runs `bytecodeOldAge + 1` full GCs, `gapMs` apart (timers unref'd: never keeps the process
 * alive). The gc function is taken from a fresh context so the agent's own global gets no `gc`.
 */
export function compactAfterStart(options: { delayMs?: number; gapMs?: number } = {}): void {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as (() => void) | undefined;
  setFlagsFromString("--no-expose-gc");
  if (typeof gc !== "function") return;
  let left = bytecodeOldAge + 1;
  const step = () => {
    gc();
    if (--left > 0) setTimeout(step, options.gapMs ?? 200).unref();
  };
  setTimeout(step, options.delayMs ?? 1000).unref();
}
