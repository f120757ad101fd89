import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CelSyntaxError } from "./errors.ts";
import { tokenize } from "./lexer.ts";

describe("CEL lexer", () => {
  it("reads numbers, strings, bytes, identifiers and operators with offsets", () => {
    const tokens = tokenize("a.b >= 0x10u && r'\\n' + b\"\\x01\" // comment\n|| 1.5e-1");
    assert.deepEqual(
      tokens.map((t) => [
        t.kind,
        t.kind === "bytes" ? [...(t.bytes ?? [])] : (t.int ?? t.double ?? t.text),
        t.pos,
      ]),
      [
        ["ident", "a", 0],
        ["op", ".", 1],
        ["ident", "b", 2],
        ["op", ">=", 4],
        ["uint", 16n, 7],
        ["op", "&&", 13],
        ["string", "\\n", 16],
        ["op", "+", 22],
        ["bytes", [1], 24],
        ["op", "||", 43],
        ["double", 0.15, 46],
        ["eof", "<EOF>", 52],
      ],
    );
  });

  it("decodes escapes and refuses bad ones", () => {
    assert.equal(tokenize("'\\u00e9\\101\\x41\\U0001F600'")[0]?.text, "éAA😀");
    assert.throws(() => tokenize("'\\uD800'"), CelSyntaxError);
    assert.throws(() => tokenize("'a\nb'"), /unterminated string/);
    assert.throws(() => tokenize("18446744073709551616u"), /invalid uint literal/);
  });
});
