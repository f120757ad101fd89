import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CelCompileError, compile } from "./compile.ts";
import { CelCostLimitError, CelEvalError } from "./errors.ts";
import { fromJson, toJson } from "./values.ts";

const object = fromJson({
  metadata: { name: "web", labels: { app: "web", tier: "front" } },
  spec: {
    replicas: 3,
    ratio: 0.5,
    containers: [
      { name: "a", image: "nginx:1.25" },
      { name: "b", image: "busybox" },
    ],
  },
});

function run(source: string): unknown {
  return toJson(compile(source, { variables: ["object"] }).evaluate({ object }));
}

const values: [string, unknown][] = [
  // literals
  ["1", 1],
  ["0x1F", 31],
  ["7u", 7],
  ["1.5e2", 150],
  [".5", 0.5],
  ["-9223372036854775808 < 0", true],
  ['"a\\tb"', "a\tb"],
  ["'\\u00e9'", "é"],
  ['r"\\d+"', "\\d+"],
  ['"""two\nlines"""', "two\nlines"],
  ["'''it's'''", "it's"],
  ["b'\\xff\\x00'.size()", 2],
  ["b'é'.size()", 2],
  ["true && !false", true],
  ["null == null", true],
  ["[1, 2, 3][1]", 2],
  ['{"a": 1, "b": 2}["b"]', 2],
  // arithmetic
  ["7 / 2", 3],
  ["-7 / 2", -3],
  ["7 % 3", 1],
  ["2.0 * 3.5", 7],
  ["1u + 2u == 3u", true],
  ['"ab" + "cd"', "abcd"],
  ["[1] + [2]", [1, 2]],
  // comparison and heterogeneous numbers
  ["1 == 1.0", true],
  ["1u == 1", true],
  ["2 > 1.5", true],
  ['"a" < "b"', true],
  ["[1, 2] == [1, 2]", true],
  ['{"a": 1} == {"a": 1.0}', true],
  ["1 != 2", true],
  ['"a" in ["a", "b"]', true],
  ['"x" in {"x": 1}', true],
  ["3 in [1, 2]", false],
  // ternary, logic with errors absorbed commutatively
  ["object.spec.replicas > 2 ? 'big' : 'small'", "big"],
  ["object.spec.missing == 1 || true", true],
  ["true || object.spec.missing == 1", true],
  ["object.spec.missing == 1 && false", false],
  ["false && object.spec.missing == 1", false],
  // selection, has, optional
  ["object.metadata.labels.app", "web"],
  ["{'namespace': 1}.namespace", 1],
  ['object.metadata.labels["tier"]', "front"],
  ["has(object.spec.replicas)", true],
  ["has(object.spec.missing)", false],
  ["object.?spec.?missing.orValue(7)", 7],
  ["object.?spec.?replicas.orValue(7)", 3],
  ["optional.of(1).hasValue()", true],
  ["optional.none().hasValue()", false],
  ["optional.ofNonZeroValue('').hasValue()", false],
  ["[1, ?optional.none(), ?optional.of(2)]", [1, 2]],
  ["object.spec.containers[?5].hasValue()", false],
  // macros
  ["object.spec.containers.all(c, c.name.size() == 1)", true],
  ["object.spec.containers.exists(c, c.image.startsWith('busy'))", true],
  ["object.spec.containers.exists_one(c, c.image.contains(':'))", true],
  ["object.spec.containers.map(c, c.name)", ["a", "b"]],
  ["[1, 2, 3].map(x, x > 1, x * 10)", [20, 30]],
  ["[1, 2, 3].filter(x, x % 2 == 1)", [1, 3]],
  ["object.metadata.labels.all(k, k.size() > 2)", true],
  ["[1, 0].exists(x, 1 / x == 1)", true],
  ["cel.bind(n, object.spec.replicas, n * n)", 9],
  // strings
  ["size('héllo')", 5],
  ["'héllo'.size()", 5],
  ["'Hello'.lowerAscii()", "hello"],
  ["'Hello'.upperAscii()", "HELLO"],
  ["'a,b,c'.split(',')", ["a", "b", "c"]],
  ["'a,b,c'.split(',', 2)", ["a", "b,c"]],
  ["['a', 'b'].join('-')", "a-b"],
  ["'  x  '.trim()", "x"],
  ["'aaa'.replace('a', 'b', 2)", "bba"],
  ["'hello'.indexOf('l')", 2],
  ["'hello'.lastIndexOf('l')", 3],
  ["'héllo'.indexOf('l', 3)", 3],
  ["'hello'.substring(1, 3)", "el"],
  ["'hello'.charAt(1)", "e"],
  ["'nginx:1.25'.matches('^[a-z]+:[0-9.]+$')", true],
  ["matches('abc', 'B')", false],
  ["'ABC'.matches('(?i)b')", true],
  ["'a1b22'.findAll('[0-9]+')", ["1", "22"]],
  ["'a1b22'.find('[0-9]+')", "1"],
  // conversions and types
  ["int('42') + 1", 43],
  ["int(2.9)", 2],
  ["uint(3) == 3u", true],
  ["double(1) / 2.0", 0.5],
  ["string(12)", "12"],
  ["string(1.5)", "1.5"],
  ["string(true)", "true"],
  ["string(b'hi')", "hi"],
  ["bool('true')", true],
  ["type(1) == int", true],
  ["type('a') == string", true],
  ["type([]) == list", true],
  ["type(object) == map", true],
  ["dyn(1) + 1", 2],
  // durations and timestamps
  ["string(duration('1h30m'))", "5400s"],
  ["string(duration('1.5s'))", "1.5s"],
  ["duration('1m') > duration('59s')", true],
  ["duration('90m').getHours()", 1],
  ["string(timestamp('2024-02-28T12:00:00Z') + duration('24h'))", "2024-02-29T12:00:00Z"],
  ["timestamp('2024-03-01T10:20:30Z').getFullYear()", 2024],
  ["timestamp('2024-03-01T10:20:30Z').getMonth()", 2],
  ["timestamp('2024-03-01T10:20:30Z').getHours('+02:00')", 12],
  ["string(timestamp('2024-01-01T00:00:00.5+01:00'))", "2023-12-31T23:00:00.5Z"],
  ["timestamp('2024-01-02T00:00:00Z') - timestamp('2024-01-01T00:00:00Z') == duration('24h')", true],
  ["int(timestamp('1970-01-01T00:01:00Z'))", 60],
  // Kubernetes lists library
  ["[1, 2, 2].isSorted()", true],
  ["['b', 'a'].isSorted()", false],
  ["[1, 2, 3].sum()", 6],
  ["[1.5, 2.5].sum()", 4],
  ["[].sum()", 0],
  ["[3, 1, 2].min()", 1],
  ["['a', 'c', 'b'].max()", "c"],
  ["[1, 2, 3].indexOf(3)", 2],
  ["[1, 2, 1].lastIndexOf(1)", 2],
  ["[1, 2, 3, 4].slice(1, 3)", [2, 3]],
  ["[[1], [2, 3]].flatten()", [1, 2, 3]],
  // sets extension
  ["sets.contains([1, 2, 3], [3, 1])", true],
  ["sets.contains([1, 2], [4])", false],
  ["sets.equivalent([1, 2, 2], [2, 1])", true],
  ["sets.intersects(['a', 'b'], ['c', 'b'])", true],
  ["sets.intersects([], [1])", false],
  // quantity library
  ["quantity('1Gi').isGreaterThan(quantity('1000Mi'))", true],
  ["quantity('500m').isLessThan(quantity('1'))", true],
  ["quantity('1k').compareTo(quantity('1000'))", 0],
  ["quantity('1').add(2).asInteger()", 3],
  ["quantity('1.5').isInteger()", false],
  ["quantity('2').sub(quantity('3')).sign()", -1],
  ["quantity('250m').asApproximateFloat()", 0.25],
  ["isQuantity('1Gi') && !isQuantity('1GG')", true],
  ["quantity('1Gi') == quantity('1024Mi')", true],
];

const evalErrors: [string, RegExp][] = [
  ["9223372036854775807 + 1", /integer overflow/],
  ["-9223372036854775808 - 1", /integer overflow/],
  ["9223372036854775807 * 2", /integer overflow/],
  ["0u - 1u", /unsigned integer overflow/],
  ["1 / 0", /division by zero/],
  ["1 % 0", /modulus by zero/],
  ["object.spec.missing", /no such key: missing/],
  ["object.metadata.labels['nope']", /no such key: nope/],
  ["[1][3]", /index out of bounds: 3/],
  ["1 + 'a'", /no such overload/],
  ["1 + 1.0", /no such overload/],
  ["'a' < 1", /no such overload/],
  ["object.spec.missing == 1 || false", /no such key/],
  ["int('x')", /cannot parse/],
  ["int(1e19)", /integer overflow/],
  ["[].min()", /empty list/],
  ["'abc'.substring(2, 1)", /invalid substring range/],
  ["'abc'.substring(5)", /index out of range/],
  ["duration('1x')", /invalid duration/],
  ["timestamp('yesterday')", /invalid timestamp/],
  ["optional.none().value()", /optional.none\(\) dereference/],
  ["quantity('1GG')", /quantities must match/],
  ["'aaa'.matches('(a+)+$')", /nested repetition/],
  ["'a'.matches('(a)\\\\1')", /invalid escape/],
  ["{'a': 1, 'a': 2}", /repeated key/],
  ["[1, 2].all(x, x / 0 == 1)", /division by zero/],
  ["[1, 2].exists_one(x, x / 0 == 1)", /division by zero/],
  ["1 ? 2 : 3", /no such overload/],
];

const compileErrors: [string, RegExp][] = [
  ["1 +", /^ERROR: <input>:1:4: Syntax error: mismatched input '<EOF>'/],
  ["object.spec.replicas <= ", /<input>:1:25: Syntax error/],
  ["(1", /Syntax error/],
  ["'unterminated", /<input>:1:1: .*unterminated string/],
  ["1 # 2", /<input>:1:3: Syntax error: token recognition error at: '#'/],
  ["foo == 1", /^ERROR: <input>:1:1: undeclared reference to 'foo' \(in container ''\)/],
  ["nope(1)", /undeclared reference to 'nope'/],
  ["size(1, 2)", /found no matching overload for 'size' applied to 2 arguments/],
  ["has(object)", /invalid argument to has\(\) macro/],
  ["[1].all(1, true)", /argument must be a simple name/],
  ["if", /reserved identifier: if/],
  ["namespace + 1", /reserved identifier: namespace/],
  ["99999999999999999999", /invalid int literal/],
  ["'\\q'", /invalid escape sequence/],
  [`${"(".repeat(200)}1${")".repeat(200)}`, /recursion limit/],
  [`x${".a".repeat(300)}`, /undeclared reference to 'x'|recursion limit/],
];

describe("CEL compile and evaluate", () => {
  for (const [source, want] of values) {
    it(`${source} → ${JSON.stringify(want)}`, () => {
      assert.deepEqual(run(source), want);
    });
  }
  for (const [source, want] of evalErrors) {
    it(`${source} fails at runtime with ${want}`, () => {
      const program = compile(source, { variables: ["object"] });
      assert.throws(
        () => program.evaluate({ object }),
        (err: unknown) => err instanceof CelEvalError && want.test(err.message),
      );
    });
  }
  for (const [source, want] of compileErrors) {
    it(`${source.slice(0, 40)} does not compile (${want})`, () => {
      assert.throws(
        () => compile(source, { variables: ["object"] }),
        (err: unknown) => err instanceof CelCompileError && want.test(err.message),
      );
    });
  }

  it("prints the source line and a caret under the failing column", () => {
    assert.throws(
      () => compile("object.spec.replicas >", { variables: ["object"] }),
      (err: unknown) =>
        err instanceof CelCompileError &&
        err.message ===
          "ERROR: <input>:1:23: Syntax error: mismatched input '<EOF>'\n | object.spec.replicas >\n | ......................^",
    );
  });

  it("records the offset of the node that failed at runtime", () => {
    const program = compile("1 + object.spec.missing", { variables: ["object"] });
    assert.throws(
      () => program.evaluate({ object }),
      (err: unknown) => err instanceof CelEvalError && err.pos === 15,
    );
  });

  it("stops a runaway expression at the step budget", () => {
    // 100^3 comprehension steps: far beyond a small budget.
    const program = compile(
      "[0,1,2,3,4,5,6,7,8,9].all(a, [0,1,2,3,4,5,6,7,8,9].all(b, [0,1,2,3,4,5,6,7,8,9].all(c, a + b + c >= 0)))",
      { variables: [] },
    );
    assert.throws(
      () => program.evaluate({}, { costLimit: 5_000 }),
      (err: unknown) => err instanceof CelCostLimitError && /cost limit exceeded/.test(err.message),
    );
    assert.equal(program.evaluate({}, { costLimit: 1_000_000 }), true);
  });

  it("does not let || absorb the cost limit", () => {
    const program = compile(
      "[1,2,3,4,5,6,7,8,9,10].map(x, [1,2,3,4,5,6,7,8,9,10].map(y, x * y)).size() > 0 || true",
      {
        variables: [],
      },
    );
    assert.throws(() => program.evaluate({}, { costLimit: 50 }), CelCostLimitError);
  });

  it("reports the cost actually spent", () => {
    const { value, cost } = compile("[1, 2, 3].all(x, x > 0)", { variables: [] }).evaluateWithCost({});
    assert.equal(value, true);
    assert.ok(cost > 3 && cost < 100, `cost ${cost}`);
  });

  it("reads variables through a resolver", () => {
    const program = compile("self + 1", { variables: ["self"] });
    assert.equal(
      program.evaluate((name) => (name === "self" ? 41n : undefined)),
      42n,
    );
  });

  it("treats numbers under a `number` schema as doubles", () => {
    const self = fromJson({ x: 2 }, { type: "object", properties: { x: { type: "number" } } });
    assert.equal(compile("self.x + 0.5", { variables: ["self"] }).evaluate({ self }), 2.5);
  });
});
