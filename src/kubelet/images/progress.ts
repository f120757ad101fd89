// Progress of blob copies (registry pulls, archive imports) for whoever shows it: an event when a
// blob starts, as its bytes arrive, and when it is done or found already stored.
import { goDurationMs } from "../../api/duration.ts";

export interface BlobProgress {
  /** "config" for an image config, "blob" for layers (and whatever an archive holds). */
  kind: "config" | "blob";
  /** The blob's digest, or its name in an archive until the digest is known. */
  id: string;
  done: number;
  /** Expected size, when the manifest or archive says. */
  total: number | undefined;
  state: "copying" | "done" | "exists";
}

export type ProgressListener = (p: BlobProgress) => void;

/** Passes `source` through, reporting each chunk as `copying` (the caller reports the end). */
export async function* counted(
  source: AsyncIterable<Buffer>,
  report: (done: number) => void,
): AsyncGenerator<Buffer> {
  let done = 0;
  for await (const chunk of source) {
    done += chunk.length;
    report(done);
    yield chunk;
  }
}

/** The kubelet's Pulled event message (pkg/kubelet/images/image_manager.go). */
export function pulledMessage(image: string, pullMs: number, totalMs: number, sizeBytes: number): string {
  return `Successfully pulled image ${JSON.stringify(image)} in ${goDurationMs(Math.trunc(pullMs))} (${goDurationMs(Math.trunc(totalMs))} including waiting). Image size: ${sizeBytes} bytes.`;
}
