// Real kubectl 1.20 (Debian's build, extracted by scripts/fetch-kubectl-1.20.sh) against
// `skiff server --disable-agent` on SQLite: the same walk-through as 1.32, where 1.20 differs
// (legacy discovery only, client-side validation from the protobuf /openapi/v2, delete waiting
// via list + watch without bookmarks) asserted as such.
import { describeKubectlSuite } from "../support/kubectl-suite.ts";

describeKubectlSuite({ version: "1.20", datastore: "sqlite" });
