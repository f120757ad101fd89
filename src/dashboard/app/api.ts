// Talking to the API server from the browser: the bearer token (sessionStorage), JSON requests
// whose failures become readable ApiErrors (403 names what RBAC refused), and streaming reads.

const tokenKey = "skiff.dashboard.token";

/** Lists as server-side Tables (meta.k8s.io/v1) instead of whole objects. */
export const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io";

export function getToken(): string {
  return sessionStorage.getItem(tokenKey) ?? "";
}

export function setToken(token: string): void {
  if (token === "") sessionStorage.removeItem(tokenKey);
  else sessionStorage.setItem(tokenKey, token);
}

/** Takes `#token=…` from the login link into sessionStorage and out of the address bar. */
export function adoptFragmentToken(): void {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!m?.[1]) return;
  setToken(decodeURIComponent(m[1]));
  history.replaceState(null, "", location.pathname + location.search);
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly reason = "",
  ) {
    super(message);
  }
}

/** A one-line explanation for the user. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 401) return "Not logged in, or the token expired: log in again.";
    if (err.code === 403) return `Forbidden: ${err.message}`;
    return `${err.code} ${err.reason}: ${err.message}`.trim();
  }
  return err instanceof Error ? err.message : String(err);
}

function headers(extra: Record<string, string> = {}, token = getToken()): Record<string, string> {
  return { Accept: "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}), ...extra };
}

/** Headers of a Table request made where sessionStorage is not (a worker): the token is given. */
export function tableHeaders(token: string): Record<string, string> {
  return headers({ Accept: tableAccept }, token);
}

/** The error a failed response stands for, with the server's Status message when it sent one. */
export async function failure(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  try {
    const status = JSON.parse(text) as { message?: string; reason?: string };
    return new ApiError(res.status, status.message ?? res.statusText, status.reason ?? "");
  } catch {
    return new ApiError(res.status, text.trim() || res.statusText);
  }
}

export interface RequestOptions {
  method?: string;
  body?: string;
  contentType?: string;
  signal?: AbortSignal;
  /** Another representation than plain JSON (a Table). */
  accept?: string;
}

export async function request<T>(path: string, o: RequestOptions = {}): Promise<T> {
  const res = await fetch(path, {
    method: o.method ?? "GET",
    headers: headers({
      ...(o.contentType ? { "Content-Type": o.contentType } : {}),
      ...(o.accept ? { Accept: o.accept } : {}),
    }),
    ...(o.body !== undefined ? { body: o.body } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  if (!res.ok) throw await failure(res);
  const text = await res.text();
  return (text === "" ? undefined : JSON.parse(text)) as T;
}

/** Reads a streamed response line by line (watch events, followed logs) until it ends or aborts. */
export async function streamLines(
  path: string,
  onLine: (line: string) => void,
  signal: AbortSignal,
  accept = "application/json",
): Promise<void> {
  const res = await fetch(path, { headers: headers({ Accept: accept }), signal });
  if (!res.ok) throw await failure(res);
  if (!res.body) return;
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let pending = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    pending += decoder.decode(value, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  }
  pending += decoder.decode();
  if (pending !== "") onLine(pending);
}
