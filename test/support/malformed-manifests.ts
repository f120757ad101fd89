// Fifty malformed manifests (names, labels, types, unknown fields, invalid specs across kinds)
// that the server must reject with a clear error and without storing anything.

const cm = (meta: string, rest = "") => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n${meta}${rest}`;
const deploy = (name: string, spec: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const goodTemplate =
  "  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: c, image: busybox}]\n";
const svc = (name: string, spec: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n${spec}`;

export const malformedManifests: string[] = [
  cm("  name: Upper_Case\n"),
  cm("  name: -leading-dash\n"),
  cm("  name: trailing-dash-\n"),
  cm("  name: has space\n"),
  cm(`  name: ${"a".repeat(254)}\n`),
  cm("  name: bad.\n"),
  cm("  name: ok-1\n  labels: {'bad key': x}\n"),
  cm("  name: ok-2\n  labels: {app: 'bad value!'}\n"),
  cm(`  name: ok-3\n  labels: {app: ${"v".repeat(64)}}\n`),
  cm("  name: ok-4\n  labels: {'-x': y}\n"),
  cm("  name: ok-5\n  annotations: {'no good/key/x': y}\n"),
  cm("  name: ok-6\n", "data: 5\n"),
  cm("  name: ok-7\n", "data: [a, b]\n"),
  cm("  name: ok-8\n", "unknownTopLevel: 1\n"),
  cm("  name: ok-9\n  bogusMeta: 1\n"),
  cm("  labels: {a: b}\n"),
  cm("  name: ''\n"),
  cm("  name: ok-10\n  namespace: Bad_NS\n"),
  cm("  name: ok-11\n  namespace: does-not-exist\n"),
  cm("  name: a/b\n"),
  deploy("d-1", "  replicas: -1\n" + goodTemplate),
  deploy("d-2", '  replicas: "three"\n' + goodTemplate),
  deploy("d-3", "  replicas: 1\n"),
  deploy(
    "d-4",
    "  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: y}}\n    spec:\n      containers: [{name: c, image: busybox}]\n",
  ),
  deploy(
    "d-5",
    "  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers: []\n",
  ),
  deploy(
    "d-6",
    "  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: c}]\n",
  ),
  deploy(
    "d-7",
    "  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: Bad_C, image: busybox}]\n",
  ),
  deploy(
    "d-8",
    "  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: c, image: busybox}, {name: c, image: busybox}]\n",
  ),
  deploy(
    "d-9",
    "  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: c, image: busybox, ports: [{containerPort: 70000}]}]\n",
  ),
  deploy(
    "d-10",
    "  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: busybox}]\n",
  ),
  deploy("d-11", "  strategy: {type: Sideways}\n" + goodTemplate),
  deploy("d-12", "  selector: {matchLabels: {app: x}}\n  template: 7\n"),
  deploy(
    "d-13",
    "  selector: 'app=x'\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: c, image: busybox}]\n",
  ),
  deploy("d-14", "  bogus: true\n" + goodTemplate),
  deploy(
    "d-15",
    "  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: c, image: busybox, imagePullPolicy: Sometimes}]\n",
  ),
  svc("s-1", "  ports: [{port: 0}]\n"),
  svc("s-2", "  ports: [{port: 80}]\n  type: Sideways\n"),
  svc("s-3", "  type: NodePort\n  ports: [{port: 80, nodePort: 80}]\n"),
  svc("s-4", "  clusterIP: 192.168.0.1\n  ports: [{port: 80}]\n"),
  svc("s-5", "  clusterIP: 10.43.0.1\n  ports: [{port: 80}]\n"),
  svc("s-6", '  ports: [{port: "http"}]\n'),
  svc("S_7", "  ports: [{port: 80}]\n"),
  svc("s-8", "  ports: 80\n"),
  svc("s-9", "  ports: [{port: 80, protocl: TCP}]\n"),
  "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: Bad_Namespace\n",
  "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-x\nspec: 12\n",
  "apiVersion: v1\nkind: Secret\nmetadata:\n  name: Bad_Secret\n",
  "apiVersion: v1\nkind: Secret\nmetadata:\n  name: sec-1\ndata: 'not a map'\n",
  "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j-1\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: busybox}]\n",
  "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r-1\nrules: [{verbs: [], resources: [pods]}]\n",
];
