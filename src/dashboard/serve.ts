// Serves the built dashboard (dist/dashboard) under /dashboard/: files read once into memory with
// their gzip twins, content types, long caching for hashed assets, and index.html for app routes.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, relative, resolve, sep } from "node:path";
import { gzipSync } from "node:zlib";

/** The request and response parts the handler uses (structurally the API server's sink). */
export interface StaticRequest {
  method: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}
export interface StaticResponse {
  writeHead(status: number, headers: Record<string, string>): void;
  end(chunk?: string | Uint8Array): void;
}
export type DashboardHandler = (req: StaticRequest, res: StaticResponse, url: URL) => boolean;

export const dashboardPrefix = "/dashboard/";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json",
};

interface StaticFile {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
  etag: string;
  immutable: boolean;
}

function load(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      const rel = relative(root, path).split(sep).join("/");
      const body = readFileSync(path);
      const type = contentTypes[extname(name)] ?? "application/octet-stream";
      const compressible = type.startsWith("text/") || type.includes("json") || type.includes("svg");
      const gzip = compressible && body.length > 512 ? gzipSync(body, { level: 9 }) : undefined;
      const hash = createHash("sha256").update(body).digest("base64url").slice(0, 16);
      files.set(rel, {
        body,
        gzip,
        type,
        etag: `"${hash}"`,
        // Vite names what it emits under assets/ by content hash: they never change in place.
        immutable: rel.startsWith("assets/"),
      });
    }
  };
  walk(root);
  return files;
}

const notBuilt = `<!doctype html><meta charset="utf-8"><title>Skiff dashboard</title>
<p>The dashboard is not built. Run <code>node scripts/build-dashboard.mjs</code> and restart <code>skiff server</code>.</p>`;

/**
 * The path handler for /dashboard/...; `root` is the built app (absent or empty: a page saying how
 * to build it). Only GET and HEAD are served; anything else falls through (and ends as a 404).
 */
export function dashboardHandler(root: string | undefined): DashboardHandler {
  // Read (and gzipped) on the first request, not at server start: a server nobody opens the
  // dashboard of keeps neither the files nor zlib's buffers in memory.
  let loaded: Map<string, StaticFile> | undefined;
  const files = (): Map<string, StaticFile> => {
    if (loaded) return loaded;
    loaded = root && existsSync(join(root, "index.html")) ? load(root) : new Map<string, StaticFile>();
    if (loaded.size === 0) {
      loaded.set("index.html", {
        body: Buffer.from(notBuilt),
        gzip: undefined,
        type: contentTypes[".html"] ?? "",
        etag: '"0"',
        immutable: false,
      });
    }
    return loaded;
  };
  return (req, res, url) => {
    if (url.pathname === "/dashboard") {
      res.writeHead(301, { Location: dashboardPrefix, "Content-Length": "0" });
      res.end();
      return true;
    }
    if (!url.pathname.startsWith(dashboardPrefix)) return false;
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname.slice(dashboardPrefix.length));
    } catch {
      rel = "";
    }
    let file = files().get(rel);
    if (!file) {
      // A missing asset is a 404 (never HTML where a script was asked for); other paths are
      // the app's own routes, which index.html resolves in the browser.
      if (rel.startsWith("assets/") || /\.[a-z0-9]+$/i.test(rel)) {
        const text = `404 page not found: ${url.pathname}\n`;
        res.writeHead(404, {
          "Content-Type": "text/plain; charset=utf-8",
          "Content-Length": String(Buffer.byteLength(text)),
          "X-Content-Type-Options": "nosniff",
        });
        res.end(req.method === "HEAD" ? undefined : text);
        return true;
      }
      file = files().get("index.html");
      if (!file) return false;
    }
    const headers: Record<string, string> = {
      "Content-Type": file.type,
      "Cache-Control": file.immutable ? "public, max-age=31536000, immutable" : "no-cache",
      ETag: file.etag,
      Vary: "Accept-Encoding",
      "X-Content-Type-Options": "nosniff",
    };
    if (file.type.startsWith("text/html")) {
      // The page talks only to this server: no inline scripts, no third-party origins.
      headers["Content-Security-Policy"] =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' wss: ws:; frame-ancestors 'none'";
      headers["X-Frame-Options"] = "DENY";
    }
    const match = req.headers["if-none-match"];
    if (typeof match === "string" && match.split(",").some((t) => t.trim() === file.etag)) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    const accept = req.headers["accept-encoding"];
    const gzip = file.gzip && /\bgzip\b/.test(Array.isArray(accept) ? accept.join(",") : (accept ?? ""));
    const body = gzip && file.gzip ? file.gzip : file.body;
    if (gzip) headers["Content-Encoding"] = "gzip";
    headers["Content-Length"] = String(body.length);
    res.writeHead(200, headers);
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}

/**
 * Where the built dashboard is: $SKIFF_DASHBOARD_DIR, else `dashboard/` beside the bundled CLI
 * (dist/skiff.cjs), else dist/dashboard of the checkout when run from source (src/cli/main.ts).
 */
export function locateDashboard(
  env: NodeJS.ProcessEnv = process.env,
  entry: string | undefined = process.argv[1],
): string | undefined {
  const candidates = [
    env.SKIFF_DASHBOARD_DIR,
    entry ? join(dirname(resolve(entry)), "dashboard") : undefined,
    entry ? resolve(dirname(resolve(entry)), "../../dist/dashboard") : undefined,
  ];
  return candidates.find((dir) => dir !== undefined && dir !== "" && existsSync(join(dir, "index.html")));
}
