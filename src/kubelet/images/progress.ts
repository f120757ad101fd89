// Progress of blob copies (registry pulls, archive imports) for whoever shows it: an event when a
// blob starts, as its bytes arrive, and when it is done or found already stored.

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

/** Go's time.Duration String() of a duration truncated to milliseconds ("1.234s", "56ms", "1m2s"). */
export function goDuration(ms: number): string {
  const whole = Math.max(0, Math.trunc(ms));
  if (whole === 0) return "0s";
  if (whole < 1000) return `${whole}ms`;
  const h = Math.floor(whole / 3_600_000);
  const m = Math.floor((whole % 3_600_000) / 60_000);
  const rest = whole % 60_000;
  const s = `${Math.floor(rest / 1000)}${
    rest % 1000
      ? `.${String(rest % 1000)
          .padStart(3, "0")
          .replace(/0+$/, "")}`
      : ""
  }s`;
  if (h > 0) return `${h}h${m}m${s}`;
  return m > 0 ? `${m}m${s}` : s;
}

/** The kubelet's Pulled event message (pkg/kubelet/images/image_manager.go). */
export function pulledMessage(image: string, pullMs: number, totalMs: number, sizeBytes: number): string {
  return `Successfully pulled image ${JSON.stringify(image)} in ${goDuration(pullMs)} (${goDuration(totalMs)} including waiting). Image size: ${sizeBytes} bytes.`;
}
