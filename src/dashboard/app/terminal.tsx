// A shell in a container: exec over a WebSocket with the v5.channel.k8s.io protocol (one byte of
// channel, then data), the bearer token passed as a subprotocol since browsers cannot set headers.
// Line-oriented (no TTY emulation): each entered line goes to stdin.
import { useEffect, useRef, useState } from "preact/hooks";
import { getToken } from "./api.ts";
import { Link } from "./link.tsx";

const encoder = new TextEncoder();

export function bearerProtocol(token: string): string {
  const b64 = btoa(String.fromCharCode(...encoder.encode(token)));
  return `base64url.bearer.authorization.k8s.io.${b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

function frame(channel: number, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(data.length + 1);
  out[0] = channel;
  out.set(data, 1);
  return out;
}

export function TerminalView(props: { namespace: string; name: string }) {
  const params = new URLSearchParams(location.search);
  const container = params.get("container") ?? "";
  const command = params.get("command") ?? "sh";
  const [output, setOutput] = useState("");
  const [state, setState] = useState("connecting");
  const [line, setLine] = useState("");
  const socket = useRef<WebSocket | null>(null);
  useEffect(() => {
    const q = new URLSearchParams({
      stdin: "true",
      stdout: "true",
      stderr: "true",
      ...(container ? { container } : {}),
    });
    for (const part of command.split(" ")) q.append("command", part);
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v1/namespaces/${encodeURIComponent(props.namespace)}/pods/${encodeURIComponent(props.name)}/exec?${q}`;
    const ws = new WebSocket(url, ["v5.channel.k8s.io", bearerProtocol(getToken())]);
    ws.binaryType = "arraybuffer";
    socket.current = ws;
    const decoder = new TextDecoder();
    ws.onopen = () => setState(`connected (${ws.protocol})`);
    ws.onmessage = (e) => {
      const data = new Uint8Array(e.data as ArrayBuffer);
      const channel = data[0];
      const text = decoder.decode(data.subarray(1));
      if (channel === 1 || channel === 2) setOutput((o) => o + text);
      else if (channel === 3 && text !== "") {
        const status = JSON.parse(text) as { status?: string; message?: string };
        setState(status.status === "Success" ? "exited" : `ended: ${status.message ?? text}`);
      }
    };
    ws.onerror = () =>
      setState("error: the connection failed (not allowed, or the pod's node is unreachable)");
    ws.onclose = () => setState((s) => (s.startsWith("connected") || s === "connecting" ? "closed" : s));
    return () => {
      socket.current = null;
      ws.close();
    };
  }, [props.namespace, props.name, container, command]);
  return (
    <section class="terminal">
      <h2>
        Terminal in <Link to={`pods/${props.namespace}/${props.name}`}>{props.name}</Link>
        {container && <small> / {container}</small>}
      </h2>
      <span class="stream-state">{state}</span>
      <pre class="log">{output}</pre>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          socket.current?.send(frame(0, encoder.encode(`${line}\n`)));
          setLine("");
        }}
      >
        <input
          class="stdin"
          value={line}
          placeholder="command, then Enter"
          onInput={(e) => setLine(e.currentTarget.value)}
        />
      </form>
    </section>
  );
}
