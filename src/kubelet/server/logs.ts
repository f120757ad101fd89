// Container logs as `kubectl logs` asks for them: the runtime writes CRI-format files
// (`<RFC3339Nano> <stdout|stderr> <P|F> <content>`, P = partial line), this turns them back into
// the program's output with Kubernetes' options (tailLines, sinceTime/sinceSeconds, timestamps,
// limitBytes) and, with follow, keeps streaming until the container stops or the client leaves.
import { type FileHandle, open, stat } from "node:fs/promises";

export interface LogOptions {
  follow: boolean;
  timestamps: boolean;
  tailLines?: number;
  /** Epoch milliseconds; lines older are skipped. */
  since?: number;
  limitBytes?: number;
}

export interface LogLine {
  /** The timestamp as written (RFC3339Nano), printed with `timestamps=true`. */
  time: string;
  stream: "stdout" | "stderr";
  /** The whole line, partial pieces joined, without its newline. */
  content: string;
}

/** Parses CRI log text into whole lines; `rest` is an unterminated trailing line to carry over. */
export function parseCriLog(
  text: string,
  carry: { partial: string; time: string } = { partial: "", time: "" },
): { lines: LogLine[]; rest: string; carry: { partial: string; time: string } } {
  const out: LogLine[] = [];
  const raw = text.split("\n");
  const rest = raw.pop() ?? "";
  let partial = carry.partial;
  let partialTime = carry.time;
  for (const line of raw) {
    const a = line.indexOf(" ");
    const b = line.indexOf(" ", a + 1);
    const c = line.indexOf(" ", b + 1);
    if (a < 0 || b < 0) continue;
    const time = line.slice(0, a);
    const stream = line.slice(a + 1, b) === "stderr" ? "stderr" : "stdout";
    const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
    const content = c < 0 ? "" : line.slice(c + 1);
    if (tag === "P") {
      if (partial === "") partialTime = time;
      partial += content;
      continue;
    }
    out.push({ time: partial === "" ? time : partialTime, stream, content: partial + content });
    partial = "";
  }
  return { lines: out, rest, carry: { partial, time: partialTime } };
}

function keep(line: LogLine, options: LogOptions): boolean {
  return options.since === undefined || Date.parse(line.time) >= options.since;
}

export function formatLine(line: LogLine, options: LogOptions): string {
  return options.timestamps ? `${line.time} ${line.content}\n` : `${line.content}\n`;
}

export interface LogSink {
  write(chunk: string): void;
  readonly closed: boolean;
}

/**
 * Writes the selected part of a log file to `sink`; with follow, polls the file for growth while
 * `running()` says the container runs, then drains what is left.
 */
export async function streamLog(
  path: string,
  options: LogOptions,
  sink: LogSink,
  running: () => Promise<boolean>,
  pollMs = 200,
): Promise<void> {
  let budget = options.limitBytes ?? Number.POSITIVE_INFINITY;
  const emit = (lines: LogLine[]): boolean => {
    for (const line of lines) {
      if (!keep(line, options)) continue;
      let text = formatLine(line, options);
      if (Buffer.byteLength(text) > budget) text = Buffer.from(text).subarray(0, budget).toString("utf8");
      budget -= Buffer.byteLength(text);
      if (text !== "") sink.write(text);
      if (budget <= 0) return false;
    }
    return true;
  };
  let file = await open(path, "r").catch(() => undefined);
  if (!file) return;
  try {
    let offset = 0;
    let pending = "";
    let carry = { partial: "", time: "" };
    const readMore = async (): Promise<LogLine[]> => {
      if (!file) return [];
      // The open file's own size: after a rotation the path names a newer file.
      const size = (await file.stat()).size;
      if (size <= offset) return [];
      const buf = Buffer.alloc(size - offset);
      const { bytesRead } = await file.read(buf, 0, buf.length, offset);
      offset += bytesRead;
      const parsed = parseCriLog(pending + buf.subarray(0, bytesRead).toString("utf8"), carry);
      pending = parsed.rest;
      carry = parsed.carry;
      return parsed.lines;
    };
    let first = await readMore();
    if (options.tailLines !== undefined) first = first.slice(Math.max(0, first.length - options.tailLines));
    if (!emit(first) || !options.follow) return;
    for (;;) {
      if (sink.closed) return;
      const alive = await running();
      if (!emit(await readMore())) return;
      if (!alive) return;
      if (await rotatedAway(path, file)) {
        // The log manager renamed the file (drained above) and the runtime writes a new one.
        const next = await open(path, "r").catch(() => undefined);
        if (next) {
          // What the runtime wrote to the old file before it reopened.
          if (!emit(await readMore())) {
            await next.close();
            return;
          }
          await file.close();
          file = next;
          offset = 0;
          continue;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  } finally {
    await file?.close();
  }
}

/** Whether `path` now names another file than the one open (log rotation). */
async function rotatedAway(path: string, file: FileHandle): Promise<boolean> {
  const [now, open] = await Promise.all([stat(path).catch(() => undefined), file.stat()]);
  return now !== undefined && (now.ino !== open.ino || now.dev !== open.dev);
}
