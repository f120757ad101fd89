// Runs one probe or lifecycle handler: exec through the runtime, httpGet and tcpSocket from the
// host to the pod IP, gRPC health (grpc.health.v1.Health/Check) — each bounded by its timeout.
import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { Container, GRPCAction, HTTPGetAction, TCPSocketAction } from "kubernetes-types/core/v1.js";
import type { Runtime } from "../runtime/runtime.ts";

export type ProbeResult = { ok: true } | { ok: false; message: string };

export interface ProbeTarget {
  podIP: string;
  container: Container;
  containerId: string;
}

/** What a probe or hook handler can be (Probe and LifecycleHandler share these actions). */
export interface Action {
  exec?: { command?: string[] };
  httpGet?: HTTPGetAction;
  tcpSocket?: TCPSocketAction;
  grpc?: GRPCAction;
  sleep?: { seconds: number };
}

export interface ProbeRunner {
  run(action: Action, target: ProbeTarget, timeoutSeconds: number): Promise<ProbeResult>;
}

/** A named port resolves through the container's ports. */
export function resolvePort(port: number | string, c: Container): number {
  if (typeof port === "number") return port;
  if (/^\d+$/.test(port)) return Number(port);
  const found = (c.ports ?? []).find((p) => p.name === port);
  if (!found) throw new Error(`couldn't find port ${port} in container ${c.name}`);
  return found.containerPort;
}

const fail = (message: string): ProbeResult => ({ ok: false, message });

function httpProbe(a: HTTPGetAction, t: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const port = resolvePort(a.port, t.container);
  const host = a.host || t.podIP;
  const scheme = (a.scheme ?? "HTTP").toUpperCase();
  const headers: Record<string, string> = { "User-Agent": "kube-probe/1.32", Accept: "*/*" };
  for (const h of a.httpHeaders ?? []) headers[h.name] = h.value;
  const path = a.path ? (a.path.startsWith("/") ? a.path : `/${a.path}`) : "/";
  const mod = scheme === "HTTPS" ? https : http;
  return new Promise((done) => {
    const req = mod.request(
      {
        host,
        port,
        path,
        method: "GET",
        headers,
        timeout: timeoutMs,
        rejectUnauthorized: false,
        agent: false,
      },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        done(code >= 200 && code < 400 ? { ok: true } : fail(`HTTP probe failed with statuscode: ${code}`));
      },
    );
    req.on("timeout", () => {
      req.destroy();
      done(fail(`Get "${scheme.toLowerCase()}://${host}:${port}${path}": context deadline exceeded`));
    });
    req.on("error", (err) =>
      done(fail(`Get "${scheme.toLowerCase()}://${host}:${port}${path}": ${err.message}`)),
    );
    req.end();
  });
}

function tcpProbe(a: TCPSocketAction, t: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const port = resolvePort(a.port, t.container);
  const host = a.host || t.podIP;
  return new Promise((done) => {
    const s = net.connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      done(fail(`dial tcp ${host}:${port}: i/o timeout`));
    }, timeoutMs);
    s.once("connect", () => {
      clearTimeout(timer);
      s.destroy();
      done({ ok: true });
    });
    s.once("error", (err) => {
      clearTimeout(timer);
      done(fail(`dial tcp ${host}:${port}: ${err.message}`));
    });
  });
}

/** HealthCheckRequest{service=1} out, HealthCheckResponse{status=1} in (SERVING = 1), hand-encoded. */
async function grpcProbe(a: GRPCAction, t: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  // Loaded on the first gRPC probe: most agents never run one, and the client stack is large.
  const grpc = await import("@grpc/grpc-js");
  const service = Buffer.from(a.service ?? "", "utf8");
  const request =
    service.length > 0 ? Buffer.concat([Buffer.from([0x0a, service.length]), service]) : Buffer.alloc(0);
  const client = new grpc.Client(`${t.podIP}:${a.port}`, grpc.credentials.createInsecure());
  return new Promise((done) => {
    client.makeUnaryRequest<Buffer, Buffer>(
      "/grpc.health.v1.Health/Check",
      (b) => b,
      (b) => b,
      request,
      { deadline: Date.now() + timeoutMs },
      (err, res) => {
        client.close();
        if (err)
          return done(fail(`timeout: failed to connect service "${t.podIP}:${a.port}": ${err.message}`));
        const status = res && res.length >= 2 && res[0] === 0x08 ? (res[1] ?? 0) : 0;
        done(
          status === 1 ? { ok: true } : fail(`service unhealthy (responded with "${statusName(status)}")`),
        );
      },
    );
  });
}

const statusName = (s: number): string =>
  ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"][s] ?? "UNKNOWN";

export class DefaultProbeRunner implements ProbeRunner {
  constructor(private readonly runtime: Runtime) {}

  async run(action: Action, target: ProbeTarget, timeoutSeconds: number): Promise<ProbeResult> {
    const timeoutMs = Math.max(1, timeoutSeconds) * 1000;
    try {
      if (action.exec) {
        const r = await this.runtime.execSync(
          target.containerId,
          action.exec.command ?? [],
          Math.max(1, timeoutSeconds),
        );
        if (r.timedOut) return fail(`command timed out after ${timeoutSeconds}s`);
        if (r.exitCode === 0) return { ok: true };
        const out = `${r.stdout.toString()}${r.stderr.toString()}`.trim();
        return fail(out || `command exited with ${r.exitCode}`);
      }
      if (action.httpGet) return await httpProbe(action.httpGet, target, timeoutMs);
      if (action.tcpSocket) return await tcpProbe(action.tcpSocket, target, timeoutMs);
      if (action.grpc) return await grpcProbe(action.grpc, target, timeoutMs);
      if (action.sleep) {
        await new Promise((r) => setTimeout(r, action.sleep ? action.sleep.seconds * 1000 : 0));
        return { ok: true };
      }
      return fail("probe has no handler");
    } catch (err) {
      return fail(err instanceof Error ? err.message : String(err));
    }
  }
}
