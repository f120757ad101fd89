// Formatting helpers shared by the views: ages like kubectl's, quantities to numbers.

export function age(timestamp: string | undefined, now = Date.now()): string {
  if (!timestamp) return "";
  const s = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

const suffixes: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** A Kubernetes quantity ("250m", "16Gi") as a number of base units; NaN when unreadable. */
export function quantity(q: string | undefined): number {
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(q ?? "");
  if (!m) return Number.NaN;
  const factor = suffixes[m[2] ?? ""];
  return factor === undefined ? Number.NaN : Number(m[1]) * factor;
}

export function cores(n: number): string {
  return Number.isNaN(n) ? "" : n < 1 ? `${Math.round(n * 1000)}m` : `${n.toFixed(2)}`;
}

export function bytes(n: number): string {
  if (Number.isNaN(n)) return "";
  const units = ["B", "Ki", "Mi", "Gi", "Ti"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)}${units[i]}`;
}
