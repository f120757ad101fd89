import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { dashboardHandler, locateDashboard } from "./serve.ts";

const root = mkdtempSync(join(tmpdir(), "dashboard-serve-"));
after(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, "assets"));
const script = `console.log(${JSON.stringify("x".repeat(2000))});\n`;
writeFileSync(
  join(root, "index.html"),
  '<!doctype html><script type="module" src="/dashboard/assets/index-1.js"></script>',
);
writeFileSync(join(root, "assets", "index-1.js"), script);
writeFileSync(join(root, "assets", "index-1.css"), "body{}");

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function get(path: string, headers: Record<string, string> = {}, method = "GET"): Answer | undefined {
  const handler = dashboardHandler(root);
  let answer: Answer | undefined;
  const handled = handler(
    { method, headers },
    {
      writeHead(status, h) {
        answer = { status, headers: h, body: Buffer.alloc(0) };
      },
      end(chunk) {
        if (answer && chunk) answer.body = Buffer.from(chunk);
      },
    },
    new URL(path, "https://127.0.0.1:6443"),
  );
  return handled ? answer : undefined;
}

test("files are served with their content type and caching", () => {
  const js = get("/dashboard/assets/index-1.js");
  assert.equal(js?.status, 200);
  assert.equal(js?.headers["Content-Type"], "text/javascript; charset=utf-8");
  assert.equal(js?.headers["Cache-Control"], "public, max-age=31536000, immutable");
  assert.equal(js?.body.toString(), script);
  assert.equal(get("/dashboard/assets/index-1.css")?.headers["Content-Type"], "text/css; charset=utf-8");
  const index = get("/dashboard/");
  assert.equal(index?.headers["Content-Type"], "text/html; charset=utf-8");
  assert.equal(index?.headers["Cache-Control"], "no-cache");
  assert.match(index?.headers["Content-Security-Policy"] ?? "", /default-src 'self'/);
});

test("gzip when accepted, 304 on a matching ETag, HEAD without a body", () => {
  const gz = get("/dashboard/assets/index-1.js", { "accept-encoding": "gzip, br" });
  assert.equal(gz?.headers["Content-Encoding"], "gzip");
  assert.equal(gunzipSync(gz?.body ?? Buffer.alloc(0)).toString(), script);
  assert.ok(Number(gz?.headers["Content-Length"]) < script.length);
  const etag = gz?.headers.ETag ?? "";
  assert.equal(get("/dashboard/assets/index-1.js", { "if-none-match": etag })?.status, 304);
  const head = get("/dashboard/assets/index-1.js", {}, "HEAD");
  assert.equal(head?.status, 200);
  assert.equal(head?.body.length, 0);
});

test("app routes fall back to index.html; missing assets are 404; other paths are not handled", () => {
  const route = get("/dashboard/pods/default/web-1");
  assert.equal(route?.status, 200);
  assert.match(route?.body.toString() ?? "", /index-1\.js/);
  assert.equal(get("/dashboard/assets/gone.js")?.status, 404);
  assert.equal(get("/dashboard/favicon.ico")?.status, 404);
  assert.equal(get("/dashboard")?.status, 301);
  assert.equal(get("/dashboard")?.headers.Location, "/dashboard/");
  assert.equal(get("/api/v1/pods"), undefined);
  assert.equal(get("/dashboard/", {}, "POST"), undefined);
});

test("an unbuilt dashboard says how to build it; the built one is found by the CLI entry", () => {
  const handler = dashboardHandler(join(root, "missing"));
  let body = "";
  handler(
    { method: "GET", headers: {} },
    { writeHead() {}, end: (c) => (body = String(c)) },
    new URL("https://x/dashboard/"),
  );
  assert.match(body, /build-dashboard\.mjs/);
  assert.equal(locateDashboard({ SKIFF_DASHBOARD_DIR: root }, undefined), root);
  // Beside a bundled CLI: <dir>/skiff.cjs serves <dir>/dashboard.
  mkdirSync(join(root, "bundle", "dashboard"), { recursive: true });
  writeFileSync(join(root, "bundle", "dashboard", "index.html"), "<!doctype html>");
  assert.equal(locateDashboard({}, join(root, "bundle", "skiff.cjs")), join(root, "bundle", "dashboard"));
  assert.equal(locateDashboard({}, join(root, "nothing", "main.ts")), undefined);
});
