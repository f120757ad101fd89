// Helpers for the metrics tests: `kubectl top` output as rows, polling until a condition holds, and
// a GET on a kubelet with the API server's kubelet-client certificate (as the metrics API dials).
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { dirname, join } from "node:path";

/** Parses `kubectl top` output into rows keyed by header (NAME, CPU(cores), MEMORY(bytes), …). */
export function topRows(out: string): Record<string, string>[] {
  const lines = out.split("\n").filter((l) => l.trim() !== "");
  const header = lines[0]?.trim().split(/\s{2,}/) ?? [];
  return lines.slice(1).map((l) => {
    const cells = l.trim().split(/\s{2,}/);
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""]));
  });
}

/** "250m" → 250, "1" → 1000, "0" → 0 (kubectl top prints millicores). */
export function millicores(text: string | undefined): number {
  if (!text) return Number.NaN;
  return text.endsWith("m") ? Number(text.slice(0, -1)) : Number(text) * 1000;
}

/** "12Mi" → 12 (kubectl top prints Mi). */
export function mebibytes(text: string | undefined): number {
  if (!text) return Number.NaN;
  return text.endsWith("Mi") ? Number(text.slice(0, -2)) : Number.NaN;
}

export async function eventually<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await attempt();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not happen in ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
}

/** GET https://host:port/path with the kubelet-client certificate of the server whose kubeconfig this is (none: anonymous). */
export function kubeletGet(
  kubeconfig: string | undefined,
  host: string,
  port: number,
  path: string,
): Promise<{ status: number; body: string }> {
  const pki = kubeconfig ? join(dirname(kubeconfig), "pki") : undefined;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        path,
        ...(pki
          ? {
              cert: readFileSync(join(pki, "kubelet-client.crt")),
              key: readFileSync(join(pki, "kubelet-client.key")),
            }
          : {}),
        rejectUnauthorized: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}
