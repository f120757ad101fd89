// Dashboard cost: the built bundle (raw and gzipped bytes) and, with N pods Running on hollow
// nodes (`skiff sim`), cold loads in Chromium: time to interactive of the overview (pod count
// shown) and of the all-namespaces pod list (count and first page of 100 rows shown), with the
// CPU time the browser's processes spent on each load (wall time swings with the machine's load)
// and the API server's, and the bytes the API sent. Each load runs twice, against the same cluster,
// interleaved so both see the same machine: "after" is this tree's dashboard as a user gets it
// (HTTP/2, gzip); "before" is the dashboard of git revision BASE as it was served then: HTTP/1.1
// only (a browser launched with --disable-http2) and no compression (Accept-Encoding: identity).
// The API server serves both builds' files; only the page's index.html is swapped (serveIndex).
// Usage: node --import tsx bench/dashboard.ts [pods=1000] [runs=3] [base=e8d0189]   (prints JSON)
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, CDPSession, Page } from "playwright-core";
import { artifactsDir, buildDashboard, launchChromium, repoRoot } from "../test/dashboard/browser.ts";
import { SkiffServer } from "../test/support/skiff-server.ts";
import { tempDir } from "../test/support/tempdir.ts";

const pods = Number(process.argv[2] ?? 1000);
const runs = Number(process.argv[3] ?? 3);
const base = process.argv[4] ?? "e8d0189";
const nodes = Math.max(1, Math.ceil(pods / 100));

/** Builds the dashboard of git revision `rev` into `outDir` (its sources in a scratch tree). */
function buildRevision(rev: string, scratch: string, outDir: string): void {
  mkdirSync(scratch, { recursive: true });
  const tar = execFileSync("git", ["archive", rev, "src/dashboard/app"], { cwd: repoRoot });
  execFileSync("tar", ["-x", "-C", scratch], { input: tar });
  // The app's imports (preact) resolve from the scratch tree's node_modules.
  symlinkSync(join(repoRoot, "node_modules"), join(scratch, "node_modules"));
  execFileSync(process.execPath, [join(repoRoot, "scripts/build-dashboard.mjs"), "--out-dir", outDir], {
    cwd: scratch,
  });
}

/**
 * Makes the page's document (index.html, for every app route under /dashboard/) `indexHtml`: both
 * builds' hashed assets sit side by side in the directory the API server serves, so each build's
 * page loads its own scripts from the server. Only document requests are intercepted (CDP Fetch
 * with a resource type; playwright's routing would intercept every API request too, which costs
 * about as much browser CPU as the page itself).
 */
async function serveIndex(cdp: CDPSession, indexHtml: Buffer): Promise<void> {
  cdp.on("Fetch.requestPaused", (e) => {
    void cdp
      .send("Fetch.fulfillRequest", {
        requestId: e.requestId,
        responseCode: 200,
        responseHeaders: [
          { name: "Content-Type", value: "text/html; charset=utf-8" },
          { name: "Cache-Control", value: "no-cache" },
          {
            name: "Content-Security-Policy",
            value:
              "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' wss: ws:; frame-ancestors 'none'",
          },
        ],
        body: indexHtml.toString("base64"),
      })
      .catch(() => undefined);
  });
  await cdp.send("Fetch.enable", {
    patterns: [{ urlPattern: "*/dashboard/*", resourceType: "Document", requestStage: "Request" }],
  });
}

function bundleSize(dir: string) {
  const files: { path: string; raw: number; gzip: number }[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const body = readFileSync(p);
        files.push({
          path: p.slice(dir.length + 1),
          raw: body.length,
          gzip: gzipSync(body, { level: 9 }).length,
        });
      }
    }
  };
  walk(dir);
  return {
    rawBytes: files.reduce((n, f) => n + f.raw, 0),
    gzipBytes: files.reduce((n, f) => n + f.gzip, 0),
    files,
  };
}

/** CPU ms (user + system) of the live processes descending from this one that `pick` accepts. */
function descendantsCpuMs(pick: (pid: number) => boolean): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parent.set(Number(name), Number(f[1]));
      ticks.set(Number(name), Number(f[11]) + Number(f[12]));
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  for (const [pid, t] of ticks) {
    let p = parent.get(pid);
    while (p !== undefined && p !== process.pid && p > 1) p = parent.get(p);
    if (p === process.pid && pick(pid)) total += t;
  }
  return total * 10; // USER_HZ is 100 on Linux
}

/** The browsers' CPU ms (not the kubectl, skiff server or sim children). */
const browserCpuMs = () => descendantsCpuMs((pid) => /chrom/.test(readComm(pid)));

/** The API server's CPU ms (`skiff server`; it also serves the hollow nodes meanwhile). */
const serverCpuMs = () =>
  descendantsCpuMs((pid) => {
    try {
      return / server /.test(readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " "));
    } catch {
      return false;
    }
  });

function readComm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8");
  } catch {
    return "";
  }
}

/** Waits until the number shown by `selector` reaches `n` (the cluster may hold a few more pods). */
function atLeast(page: Page, selector: string, n: number): Promise<unknown> {
  // A function, not a string: the dashboard's Content-Security-Policy forbids eval.
  return page.waitForFunction(
    ({ selector, n }) => {
      const doc = (
        globalThis as unknown as {
          document: { querySelector(s: string): { textContent: string | null } | null };
        }
      ).document;
      return Number(doc.querySelector(selector)?.textContent) >= n;
    },
    { selector, n },
    { timeout: 60_000, polling: "raf" },
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function countRunning(server: SkiffServer): Promise<number> {
  const r = await server.kubectl(
    ["get", "pods", "-A", "--field-selector=status.phase=Running", "-o", "name"],
    {
      timeoutMs: 120_000,
    },
  );
  return r.stdout.split("\n").filter((l) => l.startsWith("pod/")).length;
}

/**
 * coldLoad, once more if a load fails: Chromium aborts loads when host interfaces change
 * (ERR_NETWORK_CHANGED), and other work on this machine adds and removes bridges at any time.
 */
async function coldLoadRetried(...args: Parameters<typeof coldLoad>): ReturnType<typeof coldLoad> {
  try {
    return await coldLoad(...args);
  } catch (err) {
    process.stderr.write(`retrying a failed load: ${err instanceof Error ? err.message : String(err)}\n`);
    return coldLoad(...args);
  }
}

/** How one side of the comparison loads: its browser and its build's index.html. */
interface Variant {
  browser: Browser;
  indexHtml: Buffer;
  /** Ask for uncompressed responses, as if the server did not compress. */
  identity: boolean;
}

/** One cold load in a fresh context: navigation start to `ready`, with the renderer's CPU time. */
async function coldLoad(
  variant: Variant,
  url: string,
  ready: (page: Page) => Promise<unknown>,
  /** After interactive: until the view has every row (a list loads its later pages after). */
  settled?: (page: Page) => Promise<unknown>,
) {
  const context = await variant.browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
    ...(variant.identity ? { extraHTTPHeaders: { "Accept-Encoding": "identity" } } : {}),
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await serveIndex(cdp, variant.indexHtml);
  await cdp.send("Performance.enable");
  // Bytes of API responses on the wire until interactive (compressed, if they were), open
  // watches included.
  await cdp.send("Network.enable");
  const apiRequests = new Set<string>();
  let apiBytes = 0;
  // Decoded body bytes: what the page had to parse (and all a routed load reports: requests that
  // routing intercepted report no wire bytes).
  let apiBodyBytes = 0;
  cdp.on("Network.requestWillBeSent", (e) => {
    if (/\/apis?\//.test(new URL(e.request.url).pathname)) apiRequests.add(e.requestId);
  });
  // Chromium reports an HTTP/2 response's wire bytes when it has finished, not with its data
  // chunks: count those of finished responses then, and the chunks' of open ones (watches).
  const chunkBytes = new Map<string, number>();
  cdp.on("Network.dataReceived", (e) => {
    if (!apiRequests.has(e.requestId)) return;
    chunkBytes.set(e.requestId, (chunkBytes.get(e.requestId) ?? 0) + e.encodedDataLength);
    apiBodyBytes += e.dataLength;
  });
  cdp.on("Network.loadingFinished", (e) => {
    if (!apiRequests.has(e.requestId)) return;
    apiBytes += Math.max(e.encodedDataLength, chunkBytes.get(e.requestId) ?? 0);
    chunkBytes.delete(e.requestId);
  });
  const cpuBefore = browserCpuMs();
  const serverCpuBefore = serverCpuMs();
  const failures: string[] = [];
  page.on("requestfailed", (r) => failures.push(`${r.url()}: ${r.failure()?.errorText ?? "failed"}`));
  page.on("pageerror", (e) => failures.push(`page error: ${e.message}`));
  await page.goto(url, { waitUntil: "commit" });
  try {
    await ready(page);
  } catch (err) {
    // What the page showed instead, and why, for whoever reads the failure.
    await page.screenshot({ path: join(artifactsDir("dashboard-bench"), "timeout.png"), fullPage: true });
    await context.close();
    throw new Error(`${url.replace(/#.*/, "")} not interactive: ${failures.join("; ") || String(err)}`);
  }
  const interactiveMs = await page.evaluate(() => performance.now());
  const browserCpu = browserCpuMs() - cpuBefore;
  const serverCpu = serverCpuMs() - serverCpuBefore;
  const apiBytesUntilInteractive = apiBytes + [...chunkBytes.values()].reduce((n, b) => n + b, 0);
  const apiBodyBytesUntilInteractive = apiBodyBytes;
  let completeMs = interactiveMs;
  if (settled) {
    await settled(page);
    completeMs = await page.evaluate(() => performance.now());
  }
  const metrics = (await cdp.send("Performance.getMetrics")).metrics;
  const metric = (name: string) => Math.round((metrics.find((m) => m.name === name)?.value ?? 0) * 1000);
  const transferred = await page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .filter((e) => e.name.includes("/dashboard/"))
      .reduce((n, e) => n + ((e as unknown as { transferSize?: number }).transferSize ?? 0), 0),
  );
  // Where the time went: the page, its files and each API list (watches excluded: they have not
  // ended), with sizes. Files a routed build served never reached the network (no protocol).
  const requests = await page.evaluate(() =>
    performance
      .getEntries()
      .filter((e) => ["navigation", "resource"].includes(e.entryType) && !e.name.includes("watch="))
      .map((e) => {
        const t = e as unknown as {
          responseStart: number;
          responseEnd: number;
          encodedBodySize?: number;
          nextHopProtocol?: string;
        };
        return {
          path: new URL(e.name).pathname,
          protocol: t.nextHopProtocol ?? "",
          startMs: Math.round(e.startTime),
          firstByteMs: Math.round(t.responseStart),
          endMs: Math.round(t.responseEnd),
          bytes: t.encodedBodySize ?? 0,
        };
      }),
  );
  const paint = await page.evaluate(() =>
    Math.round(performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? 0),
  );
  await context.close();
  return {
    firstContentfulPaintMs: paint,
    requests,
    interactiveMs: Math.round(interactiveMs),
    completeMs: Math.round(completeMs),
    apiBytes: apiBytesUntilInteractive,
    apiBodyBytes: apiBodyBytesUntilInteractive,
    browserCpuMs: browserCpu,
    serverCpuMs: serverCpu,
    // Main-thread busy time as the renderer measures it (wall time of its tasks).
    rendererTaskMs: metric("TaskDuration"),
    rendererScriptMs: metric("ScriptDuration"),
    staticBytesTransferred: transferred,
  };
}

const build = tempDir("skiff-dashboard-bench-");
buildDashboard(build.path);

const before = tempDir("skiff-dashboard-bench-base-");
buildRevision(base, join(before.path, "src"), join(before.path, "dist"));
// What the server serves: this tree's build plus the base build's hashed assets.
const served = tempDir("skiff-dashboard-bench-served-");
cpSync(build.path, served.path, { recursive: true });
cpSync(join(before.path, "dist/assets"), join(served.path, "assets"), { recursive: true, force: false });
const indexHtml = {
  before: readFileSync(join(before.path, "dist/index.html")),
  after: readFileSync(join(build.path, "index.html")),
};
process.env.SKIFF_DASHBOARD_DIR = served.path;
const server = new SkiffServer();
await server.start();
const main = resolve(import.meta.dirname, "../src/cli/main.ts");
const sim: ChildProcess = spawn(
  process.execPath,
  [
    "--import",
    "tsx",
    main,
    "sim",
    "--kubeconfig",
    server.kubeconfig,
    "--nodes",
    String(nodes),
    "--pods-per-node",
    "110",
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const browsers: Browser[] = [];
try {
  await new Promise<void>((ready, fail) => {
    let out = "";
    sim.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("skiff sim ready")) ready();
    });
    sim.once("exit", (code) => fail(new Error(`sim exited with ${code}`)));
  });
  const create = await server.kubectl([
    "create",
    "deployment",
    "load",
    "--image=nginx",
    `--replicas=${pods}`,
  ]);
  if (create.code !== 0) throw new Error(create.stderr);
  const began = Date.now();
  for (;;) {
    const running = await countRunning(server);
    if (running >= pods) break;
    if (Date.now() - began > 600_000)
      throw new Error(`only ${running}/${pods} pods Running after 10 minutes`);
    await new Promise((r) => setTimeout(r, 3000));
  }
  const token = (
    await server.kubectl(["create", "token", "skiff-dashboard-admin", "-n", "kube-system"])
  ).stdout.trim();
  const http1Browser = await launchChromium(["--disable-http2"]);
  browsers.push(http1Browser);
  const browser = await launchChromium();
  browsers.push(browser);
  const variants: Record<"before" | "after", Variant> = {
    before: { browser: http1Browser, indexHtml: indexHtml.before, identity: true },
    after: { browser, indexHtml: indexHtml.after, identity: false },
  };
  const fragment = `#token=${encodeURIComponent(token)}`;
  // A first load warms the browser (process start-up, code caches) and is not counted.
  for (const variant of Object.values(variants)) {
    await coldLoadRetried(variant, `${server.url}/dashboard/nodes${fragment}`, (page) =>
      page.locator("table[data-kind=nodes] tbody tr").first().waitFor({ timeout: 60_000 }),
    );
  }
  type Load = Awaited<ReturnType<typeof coldLoad>>;
  const names = Object.keys(variants) as (keyof typeof variants)[];
  const overview: Record<keyof typeof variants, Load[]> = { before: [], after: [] };
  const podList: Record<keyof typeof variants, Load[]> = { before: [], after: [] };
  for (let i = 0; i < runs; i++) {
    for (const variant of names) {
      overview[variant].push(
        await coldLoadRetried(variants[variant], `${server.url}/dashboard/${fragment}`, (page) =>
          atLeast(page, ".card[data-kind=pods] .total", pods),
        ),
      );
    }
    for (const variant of names) {
      podList[variant].push(
        await coldLoadRetried(
          variants[variant],
          `${server.url}/dashboard/pods${fragment}`,
          async (page) => {
            // The list shows its first page of 100 rows and counts all of them.
            await atLeast(page, "h2 .count", pods);
            await page
              .locator(`table[data-kind=pods] tbody tr:nth-child(${Math.min(pods, 100)})`)
              .waitFor({ timeout: 60_000 });
          },
          // Every page listed: the "loading…" mark is gone.
          (page) => page.locator("h2 .more").waitFor({ state: "detached", timeout: 60_000 }),
        ),
      );
    }
  }
  const summary = (xs: Load[]) => ({
    interactiveMsMedian: median(xs.map((x) => x.interactiveMs)),
    completeMsMedian: median(xs.map((x) => x.completeMs)),
    apiBytesMedian: median(xs.map((x) => x.apiBytes)),
    apiBodyBytesMedian: median(xs.map((x) => x.apiBodyBytes)),
    browserCpuMsMedian: median(xs.map((x) => x.browserCpuMs)),
    serverCpuMsMedian: median(xs.map((x) => x.serverCpuMs)),
    rendererTaskMsMedian: median(xs.map((x) => x.rendererTaskMs)),
    rendererScriptMsMedian: median(xs.map((x) => x.rendererScriptMs)),
    runs: xs,
  });
  const bundle = bundleSize(build.path);
  const result = {
    loadAverage: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
    bundle,
    targets: { gzipBytes: 150 * 1024, interactiveMs: 1000 },
    pods,
    hollowNodes: nodes,
    base,
    overview: Object.fromEntries(names.map((n) => [n, summary(overview[n])])),
    podList: Object.fromEntries(names.map((n) => [n, summary(podList[n])])),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  for (const b of browsers) await b.close();
  const exited = new Promise((r) => sim.once("exit", r));
  sim.kill("SIGTERM");
  await exited;
  await server.stop();
  build.remove();
  before.remove();
  served.remove();
}
