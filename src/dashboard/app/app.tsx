// The shell: login, navigation, namespace selector, and the route to the view.
import { useEffect, useState } from "preact/hooks";
import { getToken, setToken } from "./api.ts";
import { ApplyView } from "./apply.tsx";
import { DetailView } from "./detail.tsx";
import { useCollection, useRoute } from "./hooks.ts";
import { kindOf, kinds } from "./kinds.ts";
import { Link } from "./link.tsx";
import { ListView } from "./list.tsx";
import { LogsView } from "./logs.tsx";
import { Overview } from "./overview.tsx";
import { TerminalView } from "./terminal.tsx";

const namespaceKey = "skiff.dashboard.namespace";

function Login(props: { onLogin: () => void }) {
  const [text, setText] = useState("");
  return (
    <form
      class="login"
      onSubmit={(e) => {
        e.preventDefault();
        setToken(text.trim());
        props.onLogin();
      }}
    >
      <h1>Skiff</h1>
      <p>
        Paste a bearer token (<code>kubectl create token &lt;serviceaccount&gt;</code>), or open the link{" "}
        <code>skiff server</code> printed.
      </p>
      <textarea name="token" rows={4} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      <button type="submit" disabled={text.trim() === ""}>
        Log in
      </button>
    </form>
  );
}

function NamespaceSelect(props: { value: string; onChange: (ns: string) => void }) {
  // Namespaces change rarely: a list now and then spares a watch (and a connection).
  const namespaces = useCollection(kindOf("namespaces"), "", { live: false, pollMs: 30000 });
  return (
    <label class="ns" for="namespace">
      Namespace{" "}
      {namespaces.error ? (
        // Without the right to list namespaces, the user types one.
        <input
          value={props.value}
          placeholder="all"
          onChange={(e) => props.onChange(e.currentTarget.value)}
        />
      ) : (
        <select
          id="namespace"
          name="namespace"
          value={props.value}
          onChange={(e) => props.onChange(e.currentTarget.value)}
        >
          <option value="">All namespaces</option>
          {namespaces.items.map((n) => (
            <option key={n.metadata.name} value={n.metadata.name}>
              {n.metadata.name}
            </option>
          ))}
        </select>
      )}
    </label>
  );
}

function Content(props: { route: string[]; namespace: string }) {
  const [first = "", a = "", b = "", c = ""] = props.route;
  if (first === "") return <Overview namespace={props.namespace} />;
  if (first === "apply") return <ApplyView namespace={props.namespace} />;
  const k = kindOf(first);
  if (!k) return <p class="error">No page {first}.</p>;
  // Keyed by kind: another kind's list starts afresh (no rows, filter or page of the last one).
  if (a === "") return <ListView key={k.resource} kind={k} namespace={props.namespace} />;
  const ns = k.namespaced ? a : "";
  const name = k.namespaced ? b : a;
  if (first === "pods" && c === "logs") return <LogsView namespace={ns} name={name} />;
  if (first === "pods" && c === "exec") return <TerminalView namespace={ns} name={name} />;
  return <DetailView kind={k} namespace={ns} name={name} />;
}

export function App() {
  const [token, setTokenState] = useState(getToken());
  const [namespace, setNamespace] = useState(sessionStorage.getItem(namespaceKey) ?? "");
  const route = useRoute();
  useEffect(() => sessionStorage.setItem(namespaceKey, namespace), [namespace]);
  if (token === "") return <Login onLogin={() => setTokenState(getToken())} />;
  return (
    <div class="shell">
      <nav>
        <Link to="" class="brand">
          Skiff
        </Link>
        <Link to="">Overview</Link>
        {kinds.map((k) => (
          <Link key={k.resource} to={k.resource} class={route[0] === k.resource ? "active" : undefined}>
            {k.title}
          </Link>
        ))}
        <Link to="apply">Apply YAML</Link>
        <button
          type="button"
          class="logout"
          onClick={() => {
            setToken("");
            setTokenState("");
          }}
        >
          Log out
        </button>
      </nav>
      <main>
        <header>
          <NamespaceSelect value={namespace} onChange={setNamespace} />
        </header>
        <Content route={route} namespace={namespace} />
      </main>
    </div>
  );
}
