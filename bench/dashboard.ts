// Dashboard cost: the built bundle (raw and gzipped bytes) and, with N pods Running on hollow
// nodes (`skiff sim`), cold loads in Chromium of the overview (pod count shown) and of the
// all-namespaces pod list (count and first page of 100 rows shown): time to interactive (TTI,
// defined at `quietMs` below), the page's main-thread CPU time and longest task from a Chromium
// trace (CPU figures hold on a loaded machine; wall times do not), the CPU time of the browser's
// processes and of the API server, and the bytes the API sent. Each load runs `runs` times
// (medians reported), interleaved against the same cluster: "after" is this tree's dashboard as
// the server serves it; "before" is the dashboard of git revision BASE, served by the same server
// (HTTP/2, gzip) with only its index.html swapped in (serveIndex), so the comparison is the app's.
// Usage: node --import tsx bench/dashboard.ts [pods=1000] [runs=5] [base=2753f54]   (prints JSON)
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, CDPSession } from "playwright-core";
import { artifactsDir, buildDashboard, launchChromium, repoRoot } from "../test/dashboard/browser.ts";
import { SkiffServer } from "../test/support/skiff-server.ts";
import { tempDir } from "../test/support/tempdir.ts";
import { mainThreadFigures } from "./dashboard-trace.ts";
import { longTaskRecorder, quietMs, type Shown, shown, waitQuiet } from "./dashboard-tti.ts";

const pods = Number(process.argv[2] ?? 1000);
const runs = Number(process.argv[3] ?? 5);
const base = process.argv[4] ?? "2753f54";
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

/** How one side of the comparison loads: its browser and, when swapped in, its build's index.html. */
interface Variant {
  browser: Browser;
  /** undefined: the page as the server serves it (this tree's build). */
  indexHtml: Buffer | undefined;
}

/** What a load waits for: the meaningful content, and (lists) the end of the work it started. */
interface Views {
  content: Omit<Shown, "mark">;
  complete?: Omit<Shown, "mark">;
}

/** One cold load in a fresh context: navigation start to interactive, with CPU figures. */
async function coldLoad(variant: Variant, url: string, views: Views) {
  const context = await variant.browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
  });
  await context.addInitScript({ content: longTaskRecorder });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  if (variant.indexHtml) await serveIndex(cdp, variant.indexHtml);
  // Bytes of the API responses on the wire (compressed, if they were), of the page's requests and
  // its worker's (Playwright reports both; CDP's page session would miss the worker's). Open
  // watches are not counted: they have not finished.
  const apiSizes: Promise<number>[] = [];
  page.on("requestfinished", (r) => {
    if (/\/apis?\//.test(new URL(r.url()).pathname))
      apiSizes.push(
        r.sizes().then(
          (z) => z.responseBodySize + z.responseHeadersSize,
          () => 0,
        ),
      );
  });
  const cpuBefore = browserCpuMs();
  const serverCpuBefore = serverCpuMs();
  const failures: string[] = [];
  page.on("requestfailed", (r) => failures.push(`${r.url()}: ${r.failure()?.errorText ?? "failed"}`));
  page.on("pageerror", (e) => failures.push(`page error: ${e.message}`));
  // Top-level tasks (with their CPU time) of every thread; the page's main thread is picked after.
  await variant.browser.startTracing(undefined, {
    // Light categories (what DevTools' performance panel records): tracing slows the page a little.
    categories: ["toplevel", "devtools.timeline"],
  });
  let tracing = true;
  try {
    await page.goto(url, { waitUntil: "commit" });
    let timing: Awaited<ReturnType<typeof waitQuiet>>;
    try {
      await shown(page, { ...views.content, mark: "__content" });
      await shown(page, { ...(views.complete ?? views.content), mark: "__complete" });
      timing = await waitQuiet(page);
    } catch (err) {
      // What the page showed instead, and why, for whoever reads the failure.
      await page.screenshot({ path: join(artifactsDir("dashboard-bench"), "timeout.png"), fullPage: true });
      throw new Error(`${url.replace(/#.*/, "")} not interactive: ${failures.join("; ") || String(err)}`);
    }
    const trace = await variant.browser.stopTracing();
    tracing = false;
    // Raw traces for chrome://tracing or DevTools, when asked for.
    const traces = process.env.DASHBOARD_BENCH_TRACES;
    if (traces) {
      mkdirSync(traces, { recursive: true });
      writeFileSync(join(traces, `${new URL(url).pathname.replaceAll("/", "_")}-${Date.now()}.json`), trace);
    }
    const interactiveMs = Math.max(timing.contentMs, ...timing.longTasks.map((t) => t[1] ?? 0));
    const browserCpu = browserCpuMs() - cpuBefore;
    const serverCpu = serverCpuMs() - serverCpuBefore;
    const apiBytes = (await Promise.all(apiSizes)).reduce((n, b) => n + b, 0);
    const transferred = await page.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .filter((e) => e.name.includes("/dashboard/"))
        .reduce((n, e) => n + ((e as unknown as { transferSize?: number }).transferSize ?? 0), 0),
    );
    // Where the time went: the page, its files and each API list (watches excluded: they have not
    // ended), with sizes and the connection set-up of the request that opened it.
    const requests = await page.evaluate(() =>
      performance
        .getEntries()
        .filter((e) => ["navigation", "resource"].includes(e.entryType) && !e.name.includes("watch="))
        .map((e) => {
          const t = e as unknown as {
            connectStart: number;
            connectEnd: number;
            responseStart: number;
            responseEnd: number;
            encodedBodySize?: number;
            nextHopProtocol?: string;
          };
          return {
            path: new URL(e.name).pathname,
            protocol: t.nextHopProtocol ?? "",
            startMs: Math.round(e.startTime),
            connectMs: Math.round(t.connectEnd - t.connectStart),
            firstByteMs: Math.round(t.responseStart),
            endMs: Math.round(t.responseEnd),
            bytes: t.encodedBodySize ?? 0,
          };
        }),
    );
    const paint = await page.evaluate(() =>
      Math.round(performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? 0),
    );
    const round = (ms: number) => Math.round(ms);
    return {
      firstContentfulPaintMs: paint,
      contentMs: round(timing.contentMs),
      interactiveMs: round(interactiveMs),
      completeMs: round(timing.completeMs),
      longTasks: timing.longTasks.map(([a = 0, b = 0]) => ({ startMs: round(a), ms: round(b - a) })),
      ...mainThreadFigures(trace),
      requests,
      apiBytes,
      apiRequests: apiSizes.length,
      browserCpuMs: browserCpu,
      serverCpuMs: serverCpu,
      staticBytesTransferred: transferred,
    };
  } finally {
    if (tracing) await variant.browser.stopTracing().catch(() => undefined);
    await context.close();
  }
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
  const browser = await launchChromium();
  browsers.push(browser);
  const variants: Record<"before" | "after", Variant> = {
    before: { browser, indexHtml: indexHtml.before },
    // The server serves this tree's index.html itself, as a user gets it.
    after: { browser, indexHtml: undefined },
  };
  const fragment = `#token=${encodeURIComponent(token)}`;
  // A first load warms the browser (process start-up, code caches) and is not counted.
  for (const variant of Object.values(variants)) {
    await coldLoadRetried(variant, `${server.url}/dashboard/nodes${fragment}`, {
      content: { count: "h2 .count", n: nodes, row: "table[data-kind=nodes] tbody tr" },
    });
  }
  type Load = Awaited<ReturnType<typeof coldLoad>>;
  const names = Object.keys(variants) as (keyof typeof variants)[];
  const overview: Record<keyof typeof variants, Load[]> = { before: [], after: [] };
  const podList: Record<keyof typeof variants, Load[]> = { before: [], after: [] };
  for (let i = 0; i < runs; i++) {
    for (const variant of names) {
      overview[variant].push(
        await coldLoadRetried(variants[variant], `${server.url}/dashboard/${fragment}`, {
          content: { count: ".card[data-kind=pods] .total", n: pods },
        }),
      );
    }
    for (const variant of names) {
      podList[variant].push(
        await coldLoadRetried(variants[variant], `${server.url}/dashboard/pods${fragment}`, {
          // The list shows its first page of 100 rows and counts all of them.
          content: {
            count: "h2 .count",
            n: pods,
            row: `table[data-kind=pods] tbody tr:nth-child(${Math.min(pods, 100)})`,
          },
          // Every page listed: the "loading…" mark is gone.
          complete: { count: "", n: 0, gone: "h2 .more" },
        }),
      );
    }
  }
  const summary = (xs: Load[]) => ({
    interactiveMsMedian: median(xs.map((x) => x.interactiveMs)),
    interactiveMsMax: Math.max(...xs.map((x) => x.interactiveMs)),
    contentMsMedian: median(xs.map((x) => x.contentMs)),
    completeMsMedian: median(xs.map((x) => x.completeMs)),
    mainThreadCpuMsMedian: median(xs.map((x) => x.mainThreadCpuMs)),
    longestTaskCpuMsMedian: median(xs.map((x) => x.longestTaskCpuMs)),
    longestTaskMsMedian: median(xs.map((x) => x.longestTaskMs)),
    apiBytesMedian: median(xs.map((x) => x.apiBytes)),
    browserCpuMsMedian: median(xs.map((x) => x.browserCpuMs)),
    serverCpuMsMedian: median(xs.map((x) => x.serverCpuMs)),
    runs: xs,
  });
  const bundle = bundleSize(build.path);
  const result = {
    loadAverage: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
    bundle,
    targets: { gzipBytes: 150 * 1024, interactiveMs: 1000 },
    interactiveDefinition: `max(content painted, end of the last long task (> 50 ms) before ${quietMs} ms without long tasks after the view's load work is complete)`,
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
