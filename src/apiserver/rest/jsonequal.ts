// Equality of two values as JSON, ignoring key order: what comparing their canonical (key-sorted)
// JSON texts tells, without building either text. Used on every update for no-op detection.

/** As JSON.stringify sees a value: undefined members of objects are absent, of arrays null. */
function asArrayMember(v: unknown): unknown {
  return v === undefined || typeof v === "function" ? null : v;
}

function absent(v: unknown): boolean {
  return v === undefined || typeof v === "function";
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    // NaN and ±Infinity are all `null` in JSON.
    return typeof a === "number" && typeof b === "number" && !Number.isFinite(a) && !Number.isFinite(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(asArrayMember(a[i]), asArrayMember(b[i]))) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let present = 0;
  for (const k of Object.keys(x)) {
    const v = x[k];
    if (absent(v)) continue;
    present++;
    if (!Object.hasOwn(y, k) || !jsonEqual(v, y[k])) return false;
  }
  for (const k of Object.keys(y)) if (!absent(y[k])) present--;
  return present === 0;
}
