// The strict parser accepts well-formed exposition text and rejects each kind of malformed text.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseExposition, sumOf } from "./expfmt.ts";

const good = `# HELP http_requests_total Requests.\\nSecond line with \\\\.
# TYPE http_requests_total counter
http_requests_total{method="GET",path="/a\\"b\\\\c\\nd"} 3
http_requests_total{method="POST",path="/"} 1 1700000000000
# a plain comment
# TYPE lat histogram
lat_bucket{le="0.1"} 1
lat_bucket{le="1"} 2
lat_bucket{le="+Inf"} 3
lat_sum 4.5
lat_count 3
up NaN
down -Inf
`;

test("well-formed text parses with unescaped labels and help", () => {
  const f = parseExposition(good);
  const c = f.get("http_requests_total");
  assert.equal(c?.type, "counter");
  assert.equal(c?.help, "Requests.\nSecond line with \\.");
  assert.equal(c?.samples[0]?.labels.path, '/a"b\\c\nd');
  assert.equal(sumOf(f, "http_requests_total"), 4);
  assert.equal(f.get("lat")?.samples.length, 5);
  assert.ok(Number.isNaN(f.get("up")?.samples[0]?.value));
  assert.equal(f.get("down")?.samples[0]?.value, Number.NEGATIVE_INFINITY);
});

const bad: Record<string, string> = {
  "no final line feed": "a 1",
  "bad metric name": "1a 1\n",
  "bad label name": 'a{1x="v"} 1\n',
  "unquoted label value": "a{x=v} 1\n",
  "bad escape": 'a{x="\\t"} 1\n',
  "unterminated value": 'a{x="v} 1\n',
  "duplicate label": 'a{x="1",x="2"} 1\n',
  "bad value": "a 1,5\n",
  "missing value": "a\n",
  "two spaces": "a  1\n",
  "bad timestamp": "a 1 1.5\n",
  "bad type": "# TYPE a countr\na 1\n",
  "second TYPE": "# TYPE a gauge\n# TYPE a gauge\na 1\n",
  "TYPE after samples": "a 1\n# TYPE a gauge\n",
  "second HELP": "# HELP a x\n# HELP a y\na 1\n",
  "split family": 'a 1\nb 1\na{x="1"} 2\n',
  "duplicate series": 'a{x="1"} 1\na{x="1"} 2\n',
  "negative counter": "# TYPE a counter\na -1\n",
  "bucket without le": "# TYPE h histogram\nh_bucket 1\nh_sum 1\nh_count 1\n",
  "decreasing buckets":
    '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="2"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 2\n',
  "no +Inf": '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n',
  "count differs": '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n',
  "no sum": '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 2\n',
  "bad HELP escape": "# HELP a x\\y\na 1\n",
};

for (const [why, text] of Object.entries(bad)) {
  test(`rejects: ${why}`, () => {
    assert.throws(() => parseExposition(text));
  });
}
