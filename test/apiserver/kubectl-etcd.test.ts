// Real kubectl 1.32 against `skiff server --disable-agent --datastore etcd://…` on a throwaway etcd.
import { describeKubectlSuite } from "../support/kubectl-suite.ts";

describeKubectlSuite({ version: "1.32", datastore: "etcd" });
