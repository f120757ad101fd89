// The kubelet server's streaming endpoints, loaded on the first upgrade request: exec and attach
// (WebSocket v5/v4 channels or SPDY) and port-forward (SPDY, or SPDY framing over WebSocket).
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { Runtime, StreamOptions } from "../runtime/runtime.ts";
import { flag, HttpError, headerList } from "./http-error.ts";
import { findContainer, findSandbox } from "./locate.ts";
import {
  portForwardProtocol,
  portForwardWebSocketProtocol,
  servePortForward,
  webSocketDuplex,
} from "./portforward.ts";
import {
  serveSpdyCommand,
  serveWebSocketCommand,
  spdyProtocols,
  webSocketProtocols,
} from "./remotecommand.ts";
import { SpdySession } from "./spdy/session.ts";

function streamOptions(query: URLSearchParams): StreamOptions {
  const tty = flag(query, "tty");
  return {
    tty,
    stdin: flag(query, "stdin"),
    stdout: flag(query, "stdout"),
    stderr: flag(query, "stderr") && !tty,
  };
}

export class StreamingServer {
  readonly #runtime: Runtime;
  readonly #wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => [...offered][0] ?? false,
  });

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
  }

  /** Serves an authorized upgrade request; throws HttpError for a bad one. */
  async serveUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? "/", "https://kubelet.invalid");
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const kind = parts[0];
    const [, namespace = "", pod = "", name = ""] = parts;
    const webSocket = (req.headers.upgrade ?? "").toLowerCase() === "websocket";
    const offered = webSocket
      ? headerList(req, "sec-websocket-protocol")
      : headerList(req, "x-stream-protocol-version");
    if (kind === "portForward" && parts.length === 3) {
      const sandbox = await findSandbox(this.#runtime, namespace, pod);
      if (sandbox?.state !== "SANDBOX_READY") {
        throw new HttpError(404, "NotFound", `pod "${pod}" has no running sandbox on this node`);
      }
      const dial = (port: number) => this.#runtime.portForward(sandbox.id, port);
      if (webSocket) {
        if (!offered.includes(portForwardWebSocketProtocol)) {
          throw new HttpError(400, "BadRequest", `unsupported port-forward protocols: ${offered.join(", ")}`);
        }
        this.#wss.handleUpgrade(req, socket, head, (ws) =>
          servePortForward(new SpdySession(webSocketDuplex(ws)), dial),
        );
        return;
      }
      if (!offered.includes(portForwardProtocol)) {
        throw new HttpError(400, "BadRequest", `unsupported port-forward protocols: ${offered.join(", ")}`);
      }
      servePortForward(acceptSpdy(socket, head, portForwardProtocol), dial);
      return;
    }
    if ((kind === "exec" || kind === "attach") && parts.length === 4) {
      const container = await findContainer(this.#runtime, namespace, pod, name);
      if (container?.state !== "CONTAINER_RUNNING") {
        throw new HttpError(400, "BadRequest", `container ${name} is not running in pod ${pod}`);
      }
      const opts = streamOptions(url.searchParams);
      const cmd = url.searchParams.getAll("command");
      if (kind === "exec" && cmd.length === 0)
        throw new HttpError(400, "BadRequest", "you must specify at least 1 command");
      const start = () =>
        kind === "exec"
          ? this.#runtime.exec(container.id, { ...opts, cmd })
          : this.#runtime.attach(container.id, opts);
      if (webSocket) {
        const protocol = offered.find((p) => (webSocketProtocols as readonly string[]).includes(p));
        if (!protocol)
          throw new HttpError(400, "BadRequest", `unsupported stream protocols: ${offered.join(", ")}`);
        this.#wss.handleUpgrade(req, socket, head, (ws) => void serveWebSocketCommand(ws, protocol, start));
        return;
      }
      const protocol = offered.find((p) => (spdyProtocols as readonly string[]).includes(p));
      if (!protocol)
        throw new HttpError(400, "BadRequest", `unsupported stream protocols: ${offered.join(", ")}`);
      void serveSpdyCommand(acceptSpdy(socket, head, protocol), opts, start);
      return;
    }
    throw new HttpError(404, "NotFound", `the kubelet does not serve ${url.pathname}`);
  }

  close(): void {
    for (const c of this.#wss.clients) c.terminate();
    this.#wss.close();
  }
}

function acceptSpdy(socket: Duplex, head: Buffer, protocol: string): SpdySession {
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`,
  );
  if (head.length > 0) socket.unshift(head);
  return new SpdySession(socket);
}
