// The dashboard in real Chromium against `skiff server` (embedded agent on the fake runtime, so
// pods run without containers): login, navigation, live watch, logs, scale, restart, apply,
// secrets, delete, exec over WebSocket, RBAC messages; screenshots go to test-artifacts/dashboard.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { SkiffServer } from "../support/skiff-server.ts";
import { tempDir } from "../support/tempdir.ts";
import { artifactsDir, buildDashboard, goto, launchChromium, screenshot } from "./browser.ts";

const build = tempDir("skiff-dashboard-build-");
const shots = artifactsDir("dashboard");
let server: SkiffServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let token = "";

async function text(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? "";
}

async function kubectl(args: string[], input?: string): Promise<string> {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** Polls kubectl until `check` holds (the controllers and the fake runtime work asynchronously). */
async function eventually(args: string[], check: (out: string) => boolean, what: string): Promise<string> {
  let last = "";
  for (let i = 0; i < 120; i++) {
    last = (await server.kubectl(args)).stdout;
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what}: last saw ${last}`);
}

before(async () => {
  buildDashboard(build.path);
  process.env.SKIFF_DASHBOARD_DIR = build.path;
  // The metrics API scrapes every second here, so the overview gets usage soon after start.
  process.env.SKIFF_METRIC_RESOLUTION = "1s";
  server = new SkiffServer({ agent: true, runtime: "fake" });
  await server.start();
  // The server made this ServiceAccount (bound to cluster-admin) for its login link.
  token = (await kubectl(["create", "token", "skiff-dashboard-admin", "-n", "kube-system"])).trim();
  browser = await launchChromium();
  context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
  build.remove();
  delete process.env.SKIFF_DASHBOARD_DIR;
  delete process.env.SKIFF_METRIC_RESOLUTION;
});

test("the static files are public, the data is not", async () => {
  const index = await page.request.get(`${server.url}/dashboard/`);
  assert.equal(index.status(), 200);
  assert.match(index.headers()["content-type"] ?? "", /text\/html/);
  const route = await page.request.get(`${server.url}/dashboard/pods/default/x`);
  assert.equal(route.status(), 200);
  const pods = await page.request.get(`${server.url}/api/v1/pods`);
  assert.equal(pods.status(), 401);
  const post = await page.request.post(`${server.url}/dashboard/`, { data: "x" });
  assert.notEqual(post.status(), 200);
});

test("log in by pasting a token; the overview shows the node and workload counts", async () => {
  await goto(page, `${server.url}/dashboard/`);
  await page.locator("textarea[name=token]").fill(token);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.locator(".overview[data-ready=true] table[data-kind=nodes] tbody tr").first().waitFor();
  const nodeRow = await text(page.locator("table[data-kind=nodes] tbody tr").first());
  assert.match(nodeRow, /Ready=True/);
  // metrics.k8s.io answers: the node row shows its usage beside its capacity (the overview polls
  // every 15 s, so the first poll may come before the first figures).
  const usage = page.locator("table[data-kind=nodes] tbody tr .usage").first();
  await usage.waitFor({ timeout: 45_000 });
  assert.match(await text(usage), /\S+ \/ \S+/);
  await page.locator(".card[data-kind=pods] .total").waitFor();
  await screenshot(page, shots, "01-overview");
});

test("every kind has a list page; stable objects open their detail page; a node charts its usage", async () => {
  // In-app navigation from the nav bar (no reloads), across all namespaces.
  const resources = ["namespaces", "nodes", "pods", "deployments", "replicasets", "daemonsets"].concat([
    "statefulsets",
    "jobs",
    "cronjobs",
    "services",
    "ingresses",
    "configmaps",
    "secrets",
    "events",
  ]);
  // More ConfigMaps than a list's first page (100 rows with metadata): the rest is listed by the
  // dashboard's worker.
  const items = Array.from({ length: 110 }, (_, i) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: `many-${i}`, namespace: "default" },
  }));
  await kubectl(["create", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items }));
  await page.locator("select[name=namespace]").selectOption("");
  // Objects every cluster has, which no other test changes.
  const stable = new Set(["namespaces", "nodes", "services", "configmaps"]);
  for (const resource of resources) {
    await page.locator(`nav a[href="/dashboard/${resource}"]`).click();
    // The list's own section: a failed list shows an alert instead of its count.
    await page.locator(`section.list[data-kind=${resource}]`).waitFor();
    const count = page.locator(`section.list[data-kind=${resource}] h2 .count`, { hasText: /^\d+$/ });
    await count.or(page.getByRole("alert")).first().waitFor();
    assert.equal(
      await page.getByRole("alert").count(),
      0,
      `${resource}: ${await text(page.locator("main"))}`,
    );
    await page.locator(`table[data-kind=${resource}]`).waitFor();
    if (resource === "configmaps") {
      await page.locator("section.list h2 .more").waitFor({ state: "detached" });
      assert.ok(Number(await text(count)) > 110, await text(count));
      assert.ok(
        page.workers().some((w) => /table-worker/.test(w.url())),
        "the later page was listed by the worker",
      );
      await page.locator(".pager button").last().click();
      await page.locator("table[data-kind=configmaps] tr[data-name=many-99]").waitFor();
      await page.locator(".pager button").first().click();
    }
    if (!stable.has(resource)) continue;
    assert.ok(Number(await text(count)) > 0, `${resource}: none listed`);
    const first = page.locator(`table[data-kind=${resource}] tbody tr`).first();
    const name = (await first.getAttribute("data-name")) ?? "";
    await first.locator("a").first().click();
    await page.locator(`.detail[data-kind=${resource}][data-name="${name}"]`).waitFor();
    if (resource === "nodes") {
      // CPU and memory from metrics.k8s.io, drawn as SVG lines.
      await page
        .locator(".charts figure svg polyline")
        .nth(1)
        .waitFor({ state: "attached", timeout: 45_000 });
      const captions = await page.locator(".charts figcaption").allTextContents();
      assert.deepEqual(
        captions.map((c) => c.split(" ")[0]),
        ["CPU", "Memory"],
      );
    }
  }
  await screenshot(page, shots, "01b-node-detail");
});

test("the login link's fragment logs in and leaves the address bar", async () => {
  // A context of its own: its own sessionStorage and its own connections.
  const own = await browser.newContext({ ignoreHTTPSErrors: true });
  const other = await own.newPage();
  await goto(other, `${server.url}/dashboard/nodes#token=${encodeURIComponent(token)}`);
  await other.locator("table[data-kind=nodes] tbody tr").first().waitFor();
  assert.equal(new URL(other.url()).hash, "");
  await own.close();
});

test("a pod created through the API appears live and turns Running", async () => {
  await goto(page, `${server.url}/dashboard/pods`);
  await page.locator("select[name=namespace]").selectOption("default");
  await page.locator("table[data-kind=pods]").waitFor();
  assert.equal(await page.locator("tr[data-name=live-pod]").count(), 0);
  await kubectl(["run", "live-pod", "--image=busybox", "--restart=Never", "--", "sleep", "3600"]);
  const row = page.locator("tr[data-name=live-pod]");
  await row.waitFor();
  await page.locator("tr[data-name=live-pod]", { hasText: "Running" }).waitFor({ timeout: 30000 });
  await screenshot(page, shots, "02-pod-live");
});

test("pod detail links to the log view, which follows pods/log", async () => {
  await page.locator("tr[data-name=live-pod] a").click();
  await page.locator(".detail[data-name=live-pod]").waitFor();
  const logRequest = page.waitForRequest((r) => r.url().includes("/pods/live-pod/log"));
  await page.getByRole("link", { name: "Logs" }).click();
  const url = new URL((await logRequest).url());
  assert.equal(url.searchParams.get("follow"), "true");
  assert.equal(url.searchParams.get("container"), "live-pod");
  // The fake runtime writes no log files: the kubelet answers an empty log, which ends at once.
  await page.locator(".stream-state[data-state=ended]").waitFor();
  assert.match(await text(page.locator(".stream-state")), /no output/);
  await screenshot(page, shots, "03-logs");
});

test("the terminal reaches the kubelet over a WebSocket authenticated by the bearer subprotocol", async () => {
  await goto(page, `${server.url}/dashboard/pods/default/live-pod/exec?container=live-pod`);
  // Authentication passed (else the upgrade is refused with 401 and the socket errors) and the
  // kubelet answered on the error channel: the fake runtime runs no processes.
  await page.locator(".terminal .stream-state", { hasText: /^ended/ }).waitFor();
  assert.match(await text(page.locator(".terminal .stream-state")), /exec is not supported/);
  await screenshot(page, shots, "04-terminal");
});

test("scale and restart a deployment through the UI", async () => {
  await kubectl(["create", "deployment", "web", "--image=nginx", "--replicas=1"]);
  await goto(page, `${server.url}/dashboard/deployments/default/web`);
  await page.locator(".detail[data-name=web]").waitFor();
  await page.locator("input[name=replicas]").fill("3");
  await page.getByRole("button", { name: "Scale" }).click();
  await page.locator(".actions .message", { hasText: "done" }).waitFor();
  assert.equal(await kubectl(["get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"]), "3");
  await page.locator(".detail b[data-column=Ready]", { hasText: /^3\/3$/ }).waitFor({ timeout: 60000 });
  await page.getByRole("button", { name: "Restart" }).click();
  await page.locator(".actions .message", { hasText: "Restart: done" }).waitFor();
  const restartedAt = await kubectl([
    "get",
    "deployment",
    "web",
    "-o",
    "jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}",
  ]);
  assert.ok(!Number.isNaN(Date.parse(restartedAt)), restartedAt);
  await screenshot(page, shots, "05-deployment");
});

test("apply YAML server-side with field manager skiff-dashboard", async () => {
  await goto(page, `${server.url}/dashboard/apply`);
  const yaml = [
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    "  name: from-dashboard",
    "  labels:",
    "    app: demo",
    "data:",
    '  greeting: "hello"',
    "---",
    "apiVersion: v1",
    "kind: Secret",
    "metadata:",
    "  name: dashboard-secret",
    "stringData:",
    "  password: s3cr3t-value",
  ].join("\n");
  await page.locator("textarea[name=manifest]").fill(yaml);
  await page.getByRole("button", { name: "Apply" }).click();
  await page.locator(".result", { hasText: "configmap/from-dashboard serverside-applied" }).waitFor();
  await screenshot(page, shots, "06-apply");
  assert.equal(
    await kubectl(["get", "configmap", "from-dashboard", "-o", "jsonpath={.data.greeting}"]),
    "hello",
  );
  const managers = await kubectl([
    "get",
    "configmap",
    "from-dashboard",
    "--show-managed-fields",
    "-o",
    "jsonpath={.metadata.managedFields[*].manager}",
  ]);
  assert.match(managers, /skiff-dashboard/);
});

test("secret values stay hidden until revealed", async () => {
  await goto(page, `${server.url}/dashboard/secrets/default/dashboard-secret`);
  await page.locator(".detail[data-name=dashboard-secret]").waitFor();
  assert.doesNotMatch(await text(page.locator(".detail")), /s3cr3t-value/);
  await page.getByRole("button", { name: "Reveal" }).click();
  assert.match(await text(page.locator(".kv.secret .value")), /s3cr3t-value/);
  await screenshot(page, shots, "07-secret");
});

test("a secret applied client-side keeps its values hidden in its last-applied annotation too", async () => {
  // kubectl apply (client-side) copies the whole manifest into an annotation.
  const manifest = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "applied-secret", namespace: "default" },
    stringData: { token: "applied-t0ken-value" },
  };
  await kubectl(["apply", "-f", "-"], JSON.stringify(manifest));
  await goto(
    page,
    `${server.url}/dashboard/secrets/default/applied-secret#token=${encodeURIComponent(token)}`,
  );
  await page.locator(".detail[data-name=applied-secret] .kv.secret").first().waitFor();
  assert.doesNotMatch(await text(page.locator(".detail")), /applied-t0ken-value/);
  const applied = page.locator(".kv.secret div", { hasText: "last-applied-configuration" });
  await applied.getByRole("button", { name: "Reveal" }).click();
  await applied.getByRole("button", { name: "Hide" }).waitFor();
  assert.match(await text(applied.locator(".value")), /applied-t0ken-value/);
});

test("delete from the detail page", async () => {
  await goto(page, `${server.url}/dashboard/configmaps/default/from-dashboard`);
  await page.locator(".detail[data-name=from-dashboard]").waitFor();
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Delete" }).click();
  await page.locator("text=not found").waitFor();
  await eventually(
    ["get", "configmaps", "-o", "name"],
    (out) => !out.includes("from-dashboard"),
    "configmap deleted",
  );
});

test("RBAC: a token without rights sees a clear Forbidden message", async () => {
  await kubectl(["create", "serviceaccount", "nobody"]);
  const weak = (await kubectl(["create", "token", "nobody"])).trim();
  // A context of its own: its own sessionStorage and its own connections.
  const own = await browser.newContext({ ignoreHTTPSErrors: true });
  const other = await own.newPage();
  await goto(other, `${server.url}/dashboard/secrets#token=${encodeURIComponent(weak)}`);
  const alert = other.getByRole("alert").first();
  await alert.waitFor();
  assert.match(await text(alert), /Forbidden: .*cannot list resource "secrets"/);
  await screenshot(other, shots, "08-forbidden");
  await own.close();
});
