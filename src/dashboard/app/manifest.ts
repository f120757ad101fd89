// Which objects a pasted manifest names, read without a YAML library (it would triple the
// bundle): the server parses the documents themselves when they are applied.

export interface ManifestRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  text: string;
}

function unquote(v: string): string {
  const t = v.trim();
  return /^(['"]).*\1$/.test(t) ? t.slice(1, -1) : t;
}

/**
 * The identity of each document (apiVersion, kind, metadata.name/namespace): top-level keys and
 * the first indented keys under `metadata:`. A JSON document is read as JSON.
 */
export function splitManifests(text: string): ManifestRef[] {
  const docs = text.trim().startsWith("{") ? [text] : text.split(/^---[ \t]*$/m);
  const out: ManifestRef[] = [];
  for (const doc of docs) {
    if (doc.trim() === "" || /^(\s*#.*)?(\n\s*#.*)*\s*$/.test(doc)) continue;
    if (doc.trim().startsWith("{")) {
      const o = JSON.parse(doc) as {
        apiVersion?: string;
        kind?: string;
        metadata?: { name?: string; namespace?: string };
      };
      out.push({
        apiVersion: o.apiVersion ?? "",
        kind: o.kind ?? "",
        name: o.metadata?.name ?? "",
        namespace: o.metadata?.namespace ?? "",
        text: doc,
      });
      continue;
    }
    const top = (key: string) => unquote(new RegExp(`^${key}:[ \\t]*(.*)$`, "m").exec(doc)?.[1] ?? "");
    const meta = /^metadata:[ \t]*\n((?:[ \t]+.*\n?|[ \t]*\n)*)/m.exec(doc)?.[1] ?? "";
    const indent = /^([ \t]+)\S/m.exec(meta)?.[1] ?? "  ";
    const field = (key: string) =>
      unquote(new RegExp(`^${indent}${key}:[ \\t]*(.*)$`, "m").exec(meta)?.[1] ?? "");
    out.push({
      apiVersion: top("apiVersion"),
      kind: top("kind"),
      name: field("name"),
      namespace: field("namespace"),
      text: doc,
    });
  }
  return out;
}
