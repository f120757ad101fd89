// CPU and memory from metrics.k8s.io, polled while a view shows them; charts are inline SVG.
// When the metrics API is not served (404) or not allowed, the views say so and show the rest.
import { useLayoutEffect, useState } from "preact/hooks";
import { ApiError, describeError, request } from "./api.ts";
import { bytes, cores, quantity } from "./format.ts";

const pollMs = 15000;
const keep = 40;

export interface Usage {
  cpu: number;
  memory: number;
}

interface Sample extends Usage {
  at: number;
}

function unavailable(err: unknown): string {
  if (err instanceof ApiError && (err.code === 404 || err.code === 503))
    return "Usage needs the metrics API (metrics.k8s.io), which this cluster does not serve.";
  return `Usage unavailable: ${describeError(err)}`;
}

/** Polls `fetchOnce` while mounted; the latest value, its history, or why there is none. */
function usePolled<T>(fetchOnce: (signal: AbortSignal) => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ value: T | undefined; note: string }>({ value: undefined, note: "" });
  // A layout effect: the requests go out as soon as the view is rendered, not after the browser's
  // first paint (when useEffect runs), which a fresh page under load may make wait.
  useLayoutEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        setState({ value: await fetchOnce(abort.signal), note: "" });
        timer = setTimeout(() => void tick(), pollMs);
      } catch (err) {
        if (abort.signal.aborted) return;
        setState({ value: undefined, note: unavailable(err) });
        // A missing API is not retried at the poll rate.
        timer = setTimeout(
          () => void tick(),
          err instanceof ApiError && err.code === 404 ? pollMs * 4 : pollMs,
        );
      }
    };
    void tick();
    return () => {
      abort.abort();
      if (timer) clearTimeout(timer);
    };
  }, deps);
  return state;
}

interface MetricsItem {
  metadata: { name: string };
  usage?: Record<string, string>;
  containers?: { name: string; usage: Record<string, string> }[];
}

function usageOf(u: Record<string, string> | undefined): Usage {
  return { cpu: quantity(u?.cpu), memory: quantity(u?.memory) };
}

export function useNodeMetrics(): { byNode: Map<string, Usage>; note: string } {
  const polled = usePolled(async (signal) => {
    const list = await request<{ items: MetricsItem[] }>("/apis/metrics.k8s.io/v1beta1/nodes", { signal });
    return new Map(list.items.map((i) => [i.metadata.name, usageOf(i.usage)]));
  }, []);
  return { byNode: polled.value ?? new Map(), note: polled.note };
}

/** The usage history of one node or pod, for a chart. */
export function useUsageHistory(kind: "nodes" | "pods", namespace: string, name: string) {
  const [history, setHistory] = useState<Sample[]>([]);
  const path =
    kind === "nodes"
      ? `/apis/metrics.k8s.io/v1beta1/nodes/${encodeURIComponent(name)}`
      : `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`;
  const polled = usePolled(
    async (signal) => {
      const item = await request<MetricsItem>(path, { signal });
      const usage = item.containers
        ? item.containers
            .map((c) => usageOf(c.usage))
            .reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), { cpu: 0, memory: 0 })
        : usageOf(item.usage);
      setHistory((h) => [...h.slice(-(keep - 1)), { ...usage, at: Date.now() }]);
      return usage;
    },
    [path],
  );
  return { history, note: polled.note };
}

export function NodeUsage(props: {
  usage: number | undefined;
  capacity: string | undefined;
  kind: "cpu" | "memory";
}) {
  const capacity = quantity(props.capacity);
  const show = props.kind === "cpu" ? cores : bytes;
  if (props.usage === undefined || Number.isNaN(props.usage)) return <span>{show(capacity)}</span>;
  const share = capacity > 0 ? Math.min(1, props.usage / capacity) : 0;
  return (
    <span class="usage" title={`${show(props.usage)} of ${show(capacity)}`}>
      <span class="bar">
        <span style={{ width: `${Math.round(share * 100)}%` }} />
      </span>
      {show(props.usage)} / {show(capacity)}
    </span>
  );
}

function Sparkline(props: { values: number[]; label: string }) {
  const w = 240;
  const h = 48;
  // One sample still draws: a flat line until the next poll.
  const values = props.values.length === 1 ? [props.values[0] ?? 0, props.values[0] ?? 0] : props.values;
  const max = Math.max(...values, 1e-9);
  const step = values.length > 1 ? w / (values.length - 1) : w;
  const points = values
    .map((v, i) => `${(i * step).toFixed(1)},${(h - (v / max) * (h - 4) - 2).toFixed(1)}`)
    .join(" ");
  return (
    <figure class="chart">
      <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={props.label}>
        <polyline points={points} fill="none" stroke="currentColor" stroke-width="1.5" />
      </svg>
      <figcaption>{props.label}</figcaption>
    </figure>
  );
}

export function UsageCharts(props: { kind: "nodes" | "pods"; namespace: string; name: string }) {
  const { history, note } = useUsageHistory(props.kind, props.namespace, props.name);
  if (note) return <p class="note">{note}</p>;
  const last = history[history.length - 1];
  if (!last) return <p class="note">Loading usage…</p>;
  return (
    <div class="charts">
      <Sparkline values={history.map((s) => s.cpu)} label={`CPU ${cores(last.cpu)}`} />
      <Sparkline values={history.map((s) => s.memory)} label={`Memory ${bytes(last.memory)}`} />
    </div>
  );
}
