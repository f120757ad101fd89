// CEL's reserved words: refused as plain identifiers by the parser, and the names Kubernetes
// escapes (`__namespace__`) when a CRD property is called like one.
export const reservedWords: ReadonlySet<string> = new Set([
  "as",
  "break",
  "const",
  "continue",
  "else",
  "for",
  "function",
  "if",
  "import",
  "let",
  "loop",
  "package",
  "namespace",
  "return",
  "var",
  "void",
  "while",
]);

/** Kubernetes' escaped keywords: the literals, `in`, and the reserved words but var/void/while. */
export const escapedKeywords: ReadonlySet<string> = new Set(
  ["true", "false", "null", "in", ...reservedWords].filter((w) => !["var", "void", "while"].includes(w)),
);
