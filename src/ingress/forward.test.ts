import assert from "node:assert/strict";
import { test } from "node:test";
import { downstreamHeaders } from "./forward.ts";

test("response hop-by-hop headers and those named in Connection are dropped, the rest kept in order", () => {
  assert.deepEqual(
    downstreamHeaders([
      "X-Backend",
      "a",
      "Connection",
      "keep-alive, X-Private",
      "x-private",
      "1",
      "Keep-Alive",
      "timeout=5",
      "Transfer-Encoding",
      "chunked",
      "Set-Cookie",
      "a=1",
      "Set-Cookie",
      "b=2",
    ]),
    ["X-Backend", "a", "Set-Cookie", "a=1", "Set-Cookie", "b=2"],
  );
});
