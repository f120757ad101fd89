// Manifests shared by the kubectl suites.

export const manifests = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels: {app: web, tier: front}
data:
  mode: fast
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector: {app: web}
  ports:
  - port: 80
`;

/** A Node made by hand: there is no kubelet yet, so its status is whatever we post. */
export const nodeManifest = `apiVersion: v1
kind: Node
metadata:
  name: node-1
  labels: {node-role.kubernetes.io/control-plane: "", kubernetes.io/hostname: node-1}
status:
  nodeInfo:
    kubeletVersion: v1.32.0
    kubeProxyVersion: v1.32.0
    osImage: Debian GNU/Linux 12
    kernelVersion: "6.1.0"
    containerRuntimeVersion: "skiff://0.1.0"
    operatingSystem: linux
    architecture: amd64
    machineID: 0f0e0d0c0b0a09080706050403020100
    systemUUID: 4c4c4544-0000-1000-8000-000000000001
    bootID: 6e0e4c43-9b3a-4c1d-8f53-000000000001
  addresses: [{type: InternalIP, address: 10.0.0.5}, {type: Hostname, address: node-1}]
  capacity: {cpu: "2", memory: 4Gi, pods: "110"}
  allocatable: {cpu: "2", memory: 4Gi, pods: "110"}
`;
