// Support for the dashboard's browser tests and bench: builds the app into a temp dir, launches
// Debian's Chromium through playwright-core (never a downloaded browser), saves screenshots.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

export const repoRoot = resolve(import.meta.dirname, "../..");

/** Flags from docs/STACK.md: no sandbox (containers), no GPU, no background network. */
export const chromiumFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** Builds the dashboard into `outDir` with the real build script; returns its report line. */
export function buildDashboard(outDir: string): string {
  return execFileSync(process.execPath, ["scripts/build-dashboard.mjs", "--out-dir", outDir], {
    cwd: repoRoot,
    encoding: "utf8",
  }).trim();
}

export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: [...chromiumFlags, ...extraArgs] });
}

/** Where screenshots go: $SKIFF_TEST_ARTIFACTS or test-artifacts/ (gitignored). */
export function artifactsDir(sub: string): string {
  const dir = join(process.env.SKIFF_TEST_ARTIFACTS ?? join(repoRoot, "test-artifacts"), sub);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function screenshot(page: Page, dir: string, name: string): Promise<void> {
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/**
 * page.goto that survives net::ERR_NETWORK_CHANGED: Chromium aborts loads when host interfaces
 * change, and other tests on this machine create and remove bridges and netns at any time.
 */
export async function goto(page: Page, url: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(url);
      return;
    } catch (err) {
      const changed =
        err instanceof Error && /ERR_NETWORK_CHANGED|interrupted by another navigation/.test(err.message);
      if (!changed || attempt >= 5) throw err;
    }
  }
}
