// A container's log, followed as it grows (streamed pods/log?follow=true).
import { useEffect, useRef, useState } from "preact/hooks";
import { describeError, streamLines } from "./api.ts";
import { Link } from "./link.tsx";

const maxLines = 5000;

export function LogsView(props: { namespace: string; name: string }) {
  const container = new URLSearchParams(location.search).get("container") ?? "";
  const [follow, setFollow] = useState(true);
  const [lines, setLines] = useState<string[]>([]);
  const [state, setState] = useState("connecting");
  const bottom = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const abort = new AbortController();
    const buffer: string[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      setLines(buffer.slice(-maxLines));
    };
    const q = new URLSearchParams({
      tailLines: "1000",
      ...(container ? { container } : {}),
      ...(follow ? { follow: "true" } : {}),
    });
    const path = `/api/v1/namespaces/${encodeURIComponent(props.namespace)}/pods/${encodeURIComponent(props.name)}/log?${q}`;
    setLines([]);
    setState(follow ? "following" : "loading");
    streamLines(
      path,
      (line) => {
        buffer.push(line);
        timer ??= setTimeout(flush, 50);
      },
      abort.signal,
      "text/plain",
    ).then(
      () => {
        flush();
        setState(buffer.length === 0 ? "ended: the container has written no output" : "ended");
      },
      (err: unknown) => {
        if (!abort.signal.aborted) setState(`error: ${describeError(err)}`);
      },
    );
    return () => {
      abort.abort();
      if (timer) clearTimeout(timer);
    };
  }, [props.namespace, props.name, container, follow]);
  useEffect(() => bottom.current?.scrollIntoView({ block: "end" }), [lines]);
  return (
    <section class="logs">
      <h2>
        Logs of <Link to={`pods/${props.namespace}/${props.name}`}>{props.name}</Link>
        {container && <small> / {container}</small>}
      </h2>
      <label>
        <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} /> Follow
      </label>{" "}
      <span class="stream-state" data-state={state.split(":")[0]}>
        {state}
      </span>
      <pre class="log">{lines.join("\n")}</pre>
      <div ref={bottom} />
    </section>
  );
}
