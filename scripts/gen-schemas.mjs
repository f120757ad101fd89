#!/usr/bin/env node
// Build-time codegen: reads kubernetes-types' declarations (every field's type and doc comment)
// with the TypeScript 5 compiler API and writes raw OpenAPI v2 definitions named like Kubernetes'
// (`io.k8s.api.core.v1.Pod`) to src/api/schema/definitions.generated.json.
// Numbers are left as `{"type":"number"}`: integer formats and patch metadata come from our own
// tables in src/api/schema at load time, so this output depends only on the declarations.
// Usage: node scripts/gen-schemas.mjs [--check]   (--check: exit 1 if the committed file differs)
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript5";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const typesDir = join(root, "node_modules", "kubernetes-types");
const outFile = join(root, "src", "api", "schema", "definitions.generated.json");

const intOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

/** Kubernetes' Go package of a kubernetes-types module ("core/v1" → "io.k8s.api.core.v1"). */
function packagePrefix(module) {
  if (module === "meta/v1") return "io.k8s.apimachinery.pkg.apis.meta.v1";
  if (module === "api/resource") return "io.k8s.apimachinery.pkg.api.resource";
  if (module === "runtime") return "io.k8s.apimachinery.pkg.runtime";
  if (module === "version") return "io.k8s.apimachinery.pkg.version";
  if (module === "apiextensions/v1") return "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1";
  return `io.k8s.api.${module.replaceAll("/", ".")}`;
}

function listDeclarations(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) listDeclarations(p, out);
    else if (name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

function docOf(node, source) {
  const ranges = ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? [];
  const last = ranges.at(-1);
  if (!last) return undefined;
  const text = source.text.slice(last.pos, last.end);
  if (!text.startsWith("/**")) return undefined;
  return text
    .slice(3, -2)
    .split("\n")
    .map((line) => line.replace(/^\s*\* ?/, ""))
    .join("\n")
    .trim();
}

/** Resolves a referenced type name to a definition name, through the file's imports. */
function refName(name, module, imports) {
  const from = imports.get(name);
  return `${packagePrefix(from ?? module)}.${name}`;
}

function schemaOfType(node, ctx) {
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { type: "string" };
    case ts.SyntaxKind.NumberKeyword:
      return { type: "number" };
    case ts.SyntaxKind.BooleanKeyword:
      return { type: "boolean" };
    case ts.SyntaxKind.LiteralType:
      return { type: "string" };
    case ts.SyntaxKind.ParenthesizedType:
      return schemaOfType(node.type, ctx);
    case ts.SyntaxKind.ArrayType:
      return { type: "array", items: schemaOfType(node.elementType, ctx) };
    case ts.SyntaxKind.UnionType: {
      const kinds = node.types.map((t) => t.kind).sort();
      if (
        kinds.length === 2 &&
        kinds.includes(ts.SyntaxKind.NumberKeyword) &&
        kinds.includes(ts.SyntaxKind.StringKeyword)
      ) {
        return { $ref: `#/definitions/${intOrString}` };
      }
      throw new Error(`${ctx.where}: unsupported union ${node.getText()}`);
    }
    case ts.SyntaxKind.TypeLiteral: {
      const index = node.members.find((m) => m.kind === ts.SyntaxKind.IndexSignature);
      if (!index || node.members.length !== 1) throw new Error(`${ctx.where}: unsupported type literal`);
      return { type: "object", additionalProperties: schemaOfType(index.type, ctx) };
    }
    case ts.SyntaxKind.TypeReference: {
      const name = node.typeName.getText();
      if (name === "Array") return { type: "array", items: schemaOfType(node.typeArguments[0], ctx) };
      return { $ref: `#/definitions/${refName(name, ctx.module, ctx.imports)}` };
    }
    default:
      throw new Error(`${ctx.where}: unsupported type ${ts.SyntaxKind[node.kind]} ${node.getText()}`);
  }
}

function literalOf(member) {
  if (!member?.type || member.type.kind !== ts.SyntaxKind.LiteralType) return undefined;
  const lit = member.type.literal;
  return ts.isStringLiteral(lit) ? lit.text : undefined;
}

function generate() {
  const definitions = {};
  for (const file of listDeclarations(typesDir)) {
    const module = relative(typesDir, file).replace(/\.d\.ts$/, "");
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const imports = new Map();
    for (const stmt of source.statements) {
      if (!ts.isImportDeclaration(stmt)) continue;
      const spec = stmt.moduleSpecifier.text;
      const target = join(dirname(module), spec).replace(/^\.\//, "");
      for (const el of stmt.importClause?.namedBindings?.elements ?? []) imports.set(el.name.text, target);
    }
    for (const stmt of source.statements) {
      if (ts.isInterfaceDeclaration(stmt)) {
        const name = `${packagePrefix(module)}.${stmt.name.text}`;
        const def = { description: docOf(stmt, source), type: "object" };
        const properties = {};
        const required = [];
        const members = stmt.members.filter(ts.isPropertySignature);
        for (const member of members.sort((a, b) => a.name.text.localeCompare(b.name.text))) {
          const field = member.name.text;
          const where = `${name}.${field}`;
          const schema = schemaOfType(member.type, { module, imports, where });
          const description = docOf(member, source);
          properties[field] = description ? { description, ...schema } : schema;
          if (!member.questionToken) required.push(field);
        }
        if (members.length > 0) def.properties = properties;
        if (required.length > 0) def.required = required;
        const apiVersion = literalOf(members.find((m) => m.name.text === "apiVersion"));
        const kind = literalOf(members.find((m) => m.name.text === "kind"));
        if (apiVersion && kind) {
          const slash = apiVersion.indexOf("/");
          const group = slash < 0 ? "" : apiVersion.slice(0, slash);
          const version = apiVersion.slice(slash + 1);
          def["x-kubernetes-group-version-kind"] = [{ group, kind, version }];
        }
        definitions[name] = def;
      } else if (ts.isTypeAliasDeclaration(stmt)) {
        const name = `${packagePrefix(module)}.${stmt.name.text}`;
        const description = docOf(stmt, source);
        if (stmt.type.kind === ts.SyntaxKind.StringKeyword) {
          definitions[name] = { description, type: "string" };
        } else {
          // JSONSchemaPropsOrArray/OrBool/OrStringArray: unions Kubernetes leaves untyped.
          definitions[name] = { description };
        }
      }
    }
  }
  definitions[intOrString] = {
    description:
      "IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.",
    type: "string",
    format: "int-or-string",
  };
  const sorted = {};
  for (const key of Object.keys(definitions).sort()) sorted[key] = definitions[key];
  return `${JSON.stringify(sorted, null, 1)}\n`;
}

const text = generate();
if (process.argv.includes("--check")) {
  const current = readFileSync(outFile, "utf8");
  if (current !== text) {
    console.error(`${relative(root, outFile)} is stale: run node scripts/gen-schemas.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(outFile, text);
  console.log(`wrote ${relative(root, outFile)} (${text.length} bytes)`);
}
