// Progress of `skiff image import|pull`, like skopeo's: one line per blob ("Copying blob
// sha256:0123456789ab 12.3 MB / 45.6 MB"), redrawn in place on a terminal and printed once, when
// done, otherwise; then a summary of sizes and time.
import type { Writable } from "node:stream";
import type { BlobProgress } from "../kubelet/images/progress.ts";

/** Decimal units as podman and crictl print them: "1.23MB" (or "1.23 MB" with `space`). */
export function humanSize(bytes: number, space = ""): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : 1)}${space}${units[unit]}`;
}

const shortId = (id: string): string => (/^sha256:[0-9a-f]{64}$/.test(id) ? id.slice(0, 19) : id);

export function progressLine(p: BlobProgress): string {
  const head = `Copying ${p.kind} ${shortId(p.id)}`;
  if (p.state === "exists") return `${head} skipped: already exists`;
  const of = p.total !== undefined ? ` / ${humanSize(p.total, " ")}` : "";
  return `${head} ${humanSize(p.done, " ")}${of}${p.state === "done" ? " done" : ""}`;
}

export interface ProgressPrinterOptions {
  /** Redraw lines in place (a terminal). Default: whether `out` is a TTY. */
  tty?: boolean;
  now?: () => number;
  /** Least time between redraws on a terminal (ms, default 100). */
  intervalMs?: number;
}

export class ProgressPrinter {
  private readonly blobs = new Map<string, BlobProgress>();
  private readonly tty: boolean;
  private readonly now: () => number;
  private readonly started: number;
  private drawn = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly out: Writable,
    private readonly o: ProgressPrinterOptions = {},
  ) {
    this.tty = o.tty ?? (out as Writable & { isTTY?: boolean }).isTTY === true;
    this.now = o.now ?? Date.now;
    this.started = this.now();
  }

  /** The listener to pass to the image store. */
  readonly update = (p: BlobProgress): void => {
    this.blobs.set(p.id, p);
    const final = p.state !== "copying";
    if (!this.tty) {
      if (final) this.out.write(`${progressLine(p)}\n`);
      return;
    }
    if (final || this.now() - this.lastDraw >= (this.o.intervalMs ?? 100)) this.redraw();
  };

  private redraw(): void {
    // Back to the first line drawn, then every line again, each cleared first.
    let text = this.drawn > 0 ? `\x1b[${this.drawn}F` : "";
    for (const p of this.blobs.values()) text += `\x1b[2K${progressLine(p)}\n`;
    this.drawn = this.blobs.size;
    this.lastDraw = this.now();
    this.out.write(text);
  }

  /** "3 blobs, 2.20 MB in 1.3s (1 already present)": everything reported since the start. */
  summary(): string {
    const all = [...this.blobs.values()];
    const bytes = all.reduce((n, p) => n + (p.state === "exists" ? (p.total ?? p.done) : p.done), 0);
    const present = all.filter((p) => p.state === "exists").length;
    const seconds = ((this.now() - this.started) / 1000).toFixed(1);
    return `${all.length} blob${all.length === 1 ? "" : "s"}, ${humanSize(bytes, " ")} in ${seconds}s${present ? ` (${present} already present)` : ""}`;
  }
}
