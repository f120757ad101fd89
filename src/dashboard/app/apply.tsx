// Apply YAML (or JSON): each document server-side applied with field manager skiff-dashboard.
import { useState } from "preact/hooks";
import { applyDraftKey, applyManifests } from "./actions.ts";
import { describeError } from "./api.ts";

export function ApplyView(props: { namespace: string }) {
  const [text, setText] = useState(() => sessionStorage.getItem(applyDraftKey) ?? "");
  const [result, setResult] = useState<{ ok: boolean; lines: string[] }>({ ok: true, lines: [] });
  const [busy, setBusy] = useState(false);
  return (
    <section class="apply">
      <h2>Apply YAML</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          sessionStorage.removeItem(applyDraftKey);
          applyManifests(text, props.namespace)
            .then(
              (lines) => setResult({ ok: true, lines }),
              (err: unknown) => setResult({ ok: false, lines: [describeError(err)] }),
            )
            .finally(() => setBusy(false));
        }}
      >
        <textarea
          name="manifest"
          rows={24}
          spellcheck={false}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <button type="submit" disabled={busy || text.trim() === ""}>
          Apply
        </button>
        <span class="hint"> into {props.namespace || "default"} where a document names no namespace</span>
      </form>
      <pre class={result.ok ? "result" : "result error"} role="status">
        {result.lines.join("\n")}
      </pre>
    </section>
  );
}
