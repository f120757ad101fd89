import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeProtobufObject } from "./envelope.ts";
import { ProtoDecodeError } from "./message.ts";
import { bool, bytes, entry, envelope, msg, objectMeta, raw, str, varint } from "./testing.ts";

test("ConfigMap: gogo's empty ObjectMeta fields are dropped, maps and bytes decoded", () => {
  const cm = bytes((w) => {
    objectMeta(w, 1, "settings", { app: "web" });
    entry(w, 2, "mode", "fast");
    entry(w, 2, "empty", "");
    msg(w, 3, (e) => {
      str(e, 1, "blob");
      raw(e, 2, Buffer.from("hi"));
    });
  });
  assert.deepEqual(decodeProtobufObject(envelope("v1", "ConfigMap", cm)), {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "settings", labels: { app: "web" } },
    data: { mode: "fast", empty: "" },
    binaryData: { blob: Buffer.from("hi").toString("base64") },
  });
});

test("kubectl 1.20's retired ObjectMeta.clusterName is accepted and dropped", () => {
  const ns = bytes((w) => {
    msg(w, 1, (m) => {
      str(m, 1, "team-a");
      str(m, 15, "");
    });
    msg(w, 2, () => {});
    msg(w, 3, (s) => str(s, 1, ""));
  });
  assert.deepEqual(decodeProtobufObject(envelope("v1", "Namespace", ns)), {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "team-a" },
    spec: {},
    status: {},
  });
});

test("Deployment: pointers keep zero, inline structs merge, IntOrString and Quantity", () => {
  const container = (w: Parameters<typeof str>[0]) => {
    str(w, 1, "web");
    str(w, 2, "nginx");
    msg(w, 6, (p) => {
      str(p, 1, "http");
      varint(p, 2, 0); // hostPort: omitempty zero → dropped
      varint(p, 3, 80); // containerPort: no omitempty
      str(p, 4, "TCP");
    });
    msg(w, 8, (r) => {
      msg(r, 2, (e) => {
        str(e, 1, "cpu");
        msg(e, 2, (q) => str(q, 1, "100m"));
      });
    });
    msg(w, 10, (p) => {
      msg(p, 1, (h) =>
        msg(h, 2, (g) => {
          str(g, 1, "/healthz");
          msg(g, 2, (port) => {
            varint(port, 1, 1);
            str(port, 3, "http");
          });
        }),
      );
      varint(p, 2, 0);
      varint(p, 3, 5);
    });
  };
  const dep = bytes((w) => {
    objectMeta(w, 1, "web");
    msg(w, 2, (spec) => {
      varint(spec, 1, 0); // *int32 replicas = 0: explicitly set
      msg(spec, 2, (sel) => entry(sel, 1, "app", "web"));
      msg(spec, 3, (tpl) => {
        objectMeta(tpl, 1, "", { app: "web" });
        msg(tpl, 2, (pod) => {
          msg(pod, 1, (v) => {
            str(v, 1, "conf");
            msg(v, 2, (src) => msg(src, 19, (cm) => msg(cm, 1, (ref) => str(ref, 1, "settings"))));
          });
          msg(pod, 2, container);
          str(pod, 3, "");
          bool(pod, 11, false); // hostNetwork: omitempty → dropped
        });
      });
      msg(spec, 4, (st) => {
        str(st, 1, "RollingUpdate");
        msg(st, 2, (ru) => {
          msg(ru, 1, (i) => {
            varint(i, 1, 0);
            varint(i, 2, 1);
          });
          msg(ru, 2, (i) => {
            varint(i, 1, 1);
            str(i, 3, "25%");
          });
        });
      });
      bool(spec, 7, false);
    });
    msg(w, 3, () => {});
  });
  assert.deepEqual(decodeProtobufObject(envelope("apps/v1", "Deployment", dep)), {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          volumes: [{ name: "conf", configMap: { name: "settings" } }],
          containers: [
            {
              name: "web",
              image: "nginx",
              ports: [{ name: "http", containerPort: 80, protocol: "TCP" }],
              resources: { requests: { cpu: "100m" } },
              livenessProbe: { httpGet: { path: "/healthz", port: "http" }, timeoutSeconds: 5 },
            },
          ],
        },
      },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: "25%" } },
    },
    status: {},
  });
});

test("Secret data is base64; Time is RFC 3339; a negative int32 decodes", () => {
  const secret = bytes((w) => {
    msg(w, 1, (m) => {
      str(m, 1, "creds");
      msg(m, 8, (t) => varint(t, 1, 1_700_000_000));
      varint(m, 10, -1); // deletionGracePeriodSeconds (*int64)
    });
    msg(w, 2, (e) => {
      str(e, 1, "password");
      raw(e, 2, Buffer.from("s3cret"));
    });
    str(w, 3, "Opaque");
  });
  assert.deepEqual(decodeProtobufObject(envelope("v1", "Secret", secret)), {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "creds", creationTimestamp: "2023-11-14T22:13:20Z", deletionGracePeriodSeconds: -1 },
    data: { password: Buffer.from("s3cret").toString("base64") },
    type: "Opaque",
  });
});

test("an unknown field number is a named error, not dropped", () => {
  const cm = bytes((w) => {
    objectMeta(w, 1, "x");
    str(w, 99, "?");
  });
  assert.throws(
    () => decodeProtobufObject(envelope("v1", "ConfigMap", cm)),
    (err: unknown) =>
      err instanceof ProtoDecodeError &&
      /field number 99/.test(err.message) &&
      err.message.includes("io.k8s.api.core.v1.ConfigMap"),
  );
});

test("envelope errors: prefix, truncation, unknown kind, wire type mismatch", () => {
  assert.throws(() => decodeProtobufObject(Buffer.from("{}")), ProtoDecodeError);
  const good = envelope(
    "v1",
    "ConfigMap",
    bytes((w) => objectMeta(w, 1, "x")),
  );
  assert.throws(() => decodeProtobufObject(good.subarray(0, good.length - 3)), /malformed protobuf/);
  assert.throws(
    () => decodeProtobufObject(envelope("example.com/v1", "Widget", new Uint8Array())),
    /not supported/,
  );
  const wrongType = bytes((w) => varint(w, 1, 5));
  assert.throws(() => decodeProtobufObject(envelope("v1", "ConfigMap", wrongType)), /wire type 0/);
});

test("without typeMeta the fallback kind is used; DeleteOptions from any group", () => {
  const cm = bytes((w) => objectMeta(w, 1, "x"));
  assert.deepEqual(
    decodeProtobufObject(envelope("", "", cm), { fallback: { apiVersion: "v1", kind: "ConfigMap" } }),
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "x" },
    },
  );
  const opts = bytes((w) => {
    varint(w, 1, 0);
    str(w, 4, "Foreground");
    str(w, 5, "All");
  });
  assert.deepEqual(decodeProtobufObject(envelope("apps/v1", "DeleteOptions", opts)), {
    apiVersion: "apps/v1",
    kind: "DeleteOptions",
    gracePeriodSeconds: 0,
    propagationPolicy: "Foreground",
    dryRun: ["All"],
  });
});
