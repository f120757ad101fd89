// Real kubectl 1.32 against `skiff server --disable-agent` on SQLite (the walk-through lives in
// test/support/kubectl-suite.ts; kubectl-etcd.test.ts runs it again on etcd).
import { describeKubectlSuite } from "../support/kubectl-suite.ts";

describeKubectlSuite({ version: "1.32", datastore: "sqlite" });
