// Malformed manifests and raw bodies through real kubectl 1.32, on SQLite
// (the suite lives in test/support/malformed-suite.ts; malformed-etcd.test.ts runs it on etcd).
import { describeMalformedSuite } from "../support/malformed-suite.ts";

describeMalformedSuite({ datastore: "sqlite" });
