// Malformed manifests and raw bodies through real kubectl 1.32, on a throwaway etcd.
import { describeMalformedSuite } from "../support/malformed-suite.ts";

describeMalformedSuite({ datastore: "etcd" });
