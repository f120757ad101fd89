// `skiff server` prints a dashboard link whose fragment holds a short-lived token of
// kube-system/skiff-dashboard-admin (cluster-admin); a restart on the same data dir mints another.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { after, test } from "node:test";
import { skiffEntry } from "../support/skiff-entry.ts";
import { tempDir } from "../support/tempdir.ts";

const dir = tempDir("skiff-dashboard-login-");
after(() => dir.remove());

/** Starts `skiff server`, returns the dashboard line's URL once ready, and the process. */
async function startServer(): Promise<{ link: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      ...skiffEntry(),
      "server",
      "--disable-agent",
      "--disable-cluster-dns",
      "--data-dir",
      dir.path,
      "--listen",
      "127.0.0.1:0",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let err = "";
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const link = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /dashboard (https:\/\/\S+)/.exec(out);
      if (m?.[1] && out.includes("ready at")) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`skiff server exited with ${code}: ${err}`)));
  });
  return { link, child };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

function get(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { headers: { Authorization: `Bearer ${token}` }, ca: readFileSync(join(dir.path, "pki", "ca.crt")) },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

test("the printed link logs in as cluster-admin, and again after a restart", async () => {
  for (let run = 0; run < 2; run++) {
    const { link, child } = await startServer();
    try {
      const url = new URL(link);
      assert.equal(url.pathname, "/dashboard/");
      const token = decodeURIComponent(/^#token=(.+)$/.exec(url.hash)?.[1] ?? "");
      const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as {
        sub?: string;
        exp?: number;
        iat?: number;
      };
      assert.equal(claims.sub, "system:serviceaccount:kube-system:skiff-dashboard-admin");
      assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3600);
      assert.equal(await get(`${url.origin}/api/v1/secrets`, token), 200);
      assert.equal(await get(`${url.origin}/api/v1/secrets`, "not-a-token"), 401);
    } finally {
      await stop(child);
    }
  }
});
