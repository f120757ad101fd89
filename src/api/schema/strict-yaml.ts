// Strict decoding of YAML request bodies: duplicate keys reported as Kubernetes' YAML decoder
// (go-yaml v2 under sigs.k8s.io/yaml) does — `line 10: key "name" already set in map` — and the
// value converted to JSON data (YAML 1.1 scalars, as Go reads them).
import { isMap, isScalar, LineCounter, parseDocument, visit } from "yaml";
import type { JsonValue } from "../object.ts";

export interface ParsedYaml {
  value: JsonValue;
  /** `line N: key "k" already set in map`, in document order. */
  duplicates: string[];
}

export class YamlSyntaxError extends Error {
  override name = "YamlSyntaxError";
}

export function parseYamlStrict(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, version: "1.1", lineCounter, prettyErrors: false });
  const first = doc.errors[0];
  if (first) throw new YamlSyntaxError(first.message);
  const duplicates: string[] = [];
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          const offset = isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0;
          const { line } = lineCounter.linePos(offset);
          const shown = typeof key === "string" ? JSON.stringify(key) : String(key);
          duplicates.push(`line ${line}: key ${shown} already set in map`);
        }
        seen.add(key);
      }
    },
  });
  const value = (doc.toJS({ maxAliasCount: 100 }) ?? null) as JsonValue;
  return { value, duplicates };
}
