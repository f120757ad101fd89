// Histogram bucket layouts: Prometheus' helpers and the exact layouts Kubernetes uses for the
// series we share names with, so existing dashboards' bucket queries line up.

/** `count` buckets starting at `start`, each `factor` times the previous (client_golang's ExponentialBuckets). */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  if (start <= 0 || factor <= 1 || count < 1) throw new RangeError("exponentialBuckets: bad parameters");
  const out: number[] = [];
  let b = start;
  for (let i = 0; i < count; i++) {
    out.push(b);
    b *= factor;
  }
  return out;
}

/** `count` buckets starting at `start`, `width` apart (client_golang's LinearBuckets). */
export function linearBuckets(start: number, width: number, count: number): number[] {
  if (width <= 0 || count < 1) throw new RangeError("linearBuckets: bad parameters");
  return Array.from({ length: count }, (_, i) => start + i * width);
}

/** client_golang's DefBuckets. */
export const defaultBuckets: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** apiserver_request_duration_seconds and etcd_request_duration_seconds (apiserver/pkg/endpoints/metrics). */
export const apiserverLatencyBuckets: readonly number[] = [
  0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60,
];

/** scheduler_scheduling_attempt_duration_seconds: ExponentialBuckets(0.001, 2, 15). */
export const schedulerAttemptBuckets: readonly number[] = exponentialBuckets(0.001, 2, 15);

/** scheduler_pod_scheduling_sli_duration_seconds: ExponentialBuckets(0.01, 2, 20). */
export const schedulerSliBuckets: readonly number[] = exponentialBuckets(0.01, 2, 20);

/** workqueue_queue_duration_seconds / workqueue_work_duration_seconds: ExponentialBuckets(10e-9, 10, 10). */
export const workqueueBuckets: readonly number[] = exponentialBuckets(10e-9, 10, 10);

/** kubelet_pod_start_duration_seconds (pkg/kubelet/metrics). */
export const kubeletPodStartBuckets: readonly number[] = [
  0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700,
  3600,
];

/** kubelet_runtime_operations_duration_seconds: ExponentialBuckets(.005, 2.5, 14). */
export const kubeletRuntimeBuckets: readonly number[] = exponentialBuckets(0.005, 2.5, 14);
