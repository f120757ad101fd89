// One object: summary, actions (scale, restart, delete, edit), kind-specific parts (containers
// with logs and terminal links, secret values hidden until revealed), usage charts, events.
import type { Pod } from "kubernetes-types/core/v1.js";
import { useState } from "preact/hooks";
import { applyDraftKey, editable, remove, restart, scale } from "./actions.ts";
import { describeError } from "./api.ts";
import { age } from "./format.ts";
import { navigate, useCollection, useObject } from "./hooks.ts";
import { as, type Kind, type KubeObject, kindOf } from "./kinds.ts";
import { Dot, ErrorBanner, Link } from "./link.tsx";
import { ObjectTable } from "./list.tsx";
import { UsageCharts } from "./metrics.tsx";

function Actions(props: { kind: Kind; object: KubeObject }) {
  const { kind: k, object: o } = props;
  const ns = o.metadata.namespace ?? "";
  const name = o.metadata.name;
  const spec = o.spec as { replicas?: number } | undefined;
  const [replicas, setReplicas] = useState(String(spec?.replicas ?? 0));
  const [message, setMessage] = useState("");
  const run = (what: string, f: () => Promise<void>) => {
    setMessage(`${what}…`);
    f().then(
      () => setMessage(`${what}: done`),
      (err: unknown) => setMessage(`${what} failed: ${describeError(err)}`),
    );
  };
  return (
    <div class="actions">
      {k.scalable && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            run(`Scale to ${replicas}`, () => scale(k, ns, name, Number(replicas)));
          }}
        >
          <input
            name="replicas"
            type="number"
            min="0"
            value={replicas}
            onInput={(e) => setReplicas(e.currentTarget.value)}
          />
          <button type="submit">Scale</button>
        </form>
      )}
      {k.restartable && (
        <button type="button" onClick={() => run("Restart", () => restart(k, ns, name))}>
          Restart
        </button>
      )}
      <button
        type="button"
        onClick={() => {
          sessionStorage.setItem(applyDraftKey, editable(o));
          navigate("apply");
        }}
      >
        Edit
      </button>
      <button
        type="button"
        class="danger"
        onClick={() => {
          if (confirm(`Delete ${k.kind.toLowerCase()} ${name}?`)) run("Delete", () => remove(k, ns, name));
        }}
      >
        Delete
      </button>
      {message && (
        <span class="message" role="status">
          {message}
        </span>
      )}
    </div>
  );
}

function KeyValues(props: { title: string; values: Record<string, string> | undefined }) {
  const entries = Object.entries(props.values ?? {});
  if (entries.length === 0) return null;
  return (
    <div>
      <h3>{props.title}</h3>
      <dl class="kv">
        {entries.map(([key, v]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** Values shown as dots until the user reveals each one (secret data, base64 unless `plain`). */
function HiddenValues(props: { title: string; values: Record<string, string> | undefined; plain?: boolean }) {
  const [shown, setShown] = useState<Set<string>>(new Set());
  const entries = Object.entries(props.values ?? {});
  if (entries.length === 0) return null;
  return (
    <div>
      <h3>{props.title}</h3>
      <dl class="kv secret">
        {entries.map(([key, v]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>
              {shown.has(key) ? (
                <code class="value">{props.plain ? v : decode(v)}</code>
              ) : (
                <span class="hidden">{"•".repeat(8)}</span>
              )}{" "}
              <button
                type="button"
                onClick={() =>
                  setShown((s) => new Set(s.has(key) ? [...s].filter((x) => x !== key) : [...s, key]))
                }
              >
                {shown.has(key) ? "Hide" : "Reveal"}
              </button>
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

// A Secret applied client-side (`kubectl apply`) carries its whole manifest, values included, in
// this annotation: it stays hidden like the data.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration";

function SecretAnnotations(props: { values: Record<string, string> | undefined }) {
  const { [lastApplied]: applied, ...rest } = props.values ?? {};
  return (
    <>
      <KeyValues title="Annotations" values={rest} />
      {applied !== undefined && (
        <HiddenValues title="Last applied" values={{ [lastApplied]: applied }} plain />
      )}
    </>
  );
}

function decode(b64: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
  } catch {
    return b64;
  }
}

function Containers(props: { pod: Pod }) {
  const ns = props.pod.metadata?.namespace ?? "";
  const name = props.pod.metadata?.name ?? "";
  const statuses = new Map((props.pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  return (
    <div>
      <h3>Containers</h3>
      <table class="objects">
        <thead>
          <tr>
            <th>Name</th>
            <th>Image</th>
            <th>State</th>
            <th>Restarts</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(props.pod.spec?.containers ?? []).map((c) => {
            const s = statuses.get(c.name);
            const state = s?.state?.running
              ? "Running"
              : (s?.state?.waiting?.reason ?? s?.state?.terminated?.reason ?? "");
            const q = `?container=${encodeURIComponent(c.name)}`;
            return (
              <tr key={c.name}>
                <td>{c.name}</td>
                <td>{c.image}</td>
                <td>{state}</td>
                <td>{s?.restartCount ?? 0}</td>
                <td>
                  <Link to={`pods/${ns}/${name}/logs${q}`}>Logs</Link>{" "}
                  <Link to={`pods/${ns}/${name}/exec${q}`}>Terminal</Link>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Conditions(props: { object: KubeObject }) {
  const list = (
    props.object.status as {
      conditions?: { type: string; status: string; reason?: string; message?: string }[];
    }
  )?.conditions;
  if (!list?.length) return null;
  return (
    <div>
      <h3>Conditions</h3>
      <table class="objects">
        <tbody>
          {list.map((c) => (
            <tr key={c.type}>
              <td>{c.type}</td>
              <td>{c.status}</td>
              <td>{c.reason ?? ""}</td>
              <td>{c.message ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Events(props: { kind: Kind; object: KubeObject }) {
  const k = kindOf("events");
  const query = `fieldSelector=${encodeURIComponent(`involvedObject.name=${props.object.metadata.name},involvedObject.kind=${props.kind.kind}`)}`;
  const events = useCollection(k, props.object.metadata.namespace ?? "", { query });
  if (!k || (events.items.length === 0 && !events.error)) return null;
  return (
    <div>
      <h3>Events</h3>
      <ErrorBanner error={events.error} />
      <ObjectTable kind={k} items={events.items} showNamespace={false} />
    </div>
  );
}

export function DetailView(props: { kind: Kind; namespace: string; name: string }) {
  const k = props.kind;
  const found = useObject(k, props.namespace, props.name);
  const o = found.items[0];
  if (found.error) return <ErrorBanner error={found.error} />;
  if (!o) return <p>{found.loaded ? `${k.kind} ${props.name} not found (deleted?).` : "Loading…"}</p>;
  return (
    <section class="detail" data-kind={k.resource} data-name={o.metadata.name}>
      <h2>
        <Dot health={k.health?.(o)} /> {k.kind} <span class="name">{o.metadata.name}</span>
        {o.metadata.namespace && <small> in {o.metadata.namespace}</small>}
      </h2>
      <p class="meta">
        Created {age(o.metadata.creationTimestamp)} ago
        {(o.metadata.ownerReferences ?? []).map((r) => (
          <span key={r.name}>
            {" "}
            · owned by {r.kind} {r.name}
          </span>
        ))}
        {k.columns.map(([title, f]) => (
          <span key={title}>
            {" "}
            · {title}: <b data-column={title}>{f(o)}</b>
          </span>
        ))}
      </p>
      <Actions kind={k} object={o} />
      {(k.resource === "pods" || k.resource === "nodes") && (
        <UsageCharts kind={k.resource} namespace={o.metadata.namespace ?? ""} name={o.metadata.name} />
      )}
      {k.resource === "pods" && <Containers pod={as<Pod>(o)} />}
      {k.resource === "secrets" ? (
        <HiddenValues title="Data" values={o.data} />
      ) : (
        <KeyValues title="Data" values={o.data} />
      )}
      <Conditions object={o} />
      <KeyValues title="Labels" values={o.metadata.labels} />
      {k.resource === "secrets" ? (
        <SecretAnnotations values={o.metadata.annotations} />
      ) : (
        <KeyValues title="Annotations" values={o.metadata.annotations} />
      )}
      <Events kind={k} object={o} />
      {k.resource !== "secrets" && (
        <details>
          <summary>JSON</summary>
          <pre>{JSON.stringify(o, null, 2)}</pre>
        </details>
      )}
    </section>
  );
}
