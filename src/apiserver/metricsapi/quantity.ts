// Kubernetes quantity and duration strings as metrics-server serializes them: CPU as a decimal
// quantity scaled to nano (canonical suffix n/u/m/none), memory as a binary-SI quantity, the
// window as a Go duration.
import { goDurationMs } from "../../api/duration.ts";

/** Nanocores → "123n", "5m", "2" (the canonical form of resource.NewScaledQuantity(n, -9)). */
export function formatCpu(nanocores: number): string {
  const n = Math.max(0, Math.round(nanocores));
  if (n === 0) return "0";
  for (const [divisor, suffix] of [
    [1_000_000_000, ""],
    [1_000_000, "m"],
    [1_000, "u"],
  ] as const) {
    if (n % divisor === 0) return `${n / divisor}${suffix}`;
  }
  return `${n}n`;
}

/** Bytes → "1234Ki", "64Mi", "1000" (the canonical form of a BinarySI quantity). */
export function formatMemory(bytes: number): string {
  let n = Math.max(0, Math.round(bytes));
  if (n === 0) return "0";
  const suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
  let i = 0;
  while (i < suffixes.length - 1 && n % 1024 === 0) {
    n /= 1024;
    i++;
  }
  return `${n}${suffixes[i]}`;
}

/** Milliseconds → Go's time.Duration String(): "15s", "1.005s", "1m0.5s", "250ms". */
export const formatDuration = goDurationMs;

/** metav1.Time: RFC 3339 with whole seconds. */
export function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
