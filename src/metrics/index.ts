// The metrics layer's public surface: families, the registry, bucket layouts and the exposition
// helpers; it imports nothing else of src, so every layer may use it.
export * from "./buckets.ts";
export * from "./callback.ts";
export * from "./format.ts";
export * from "./metric.ts";
export * from "./process.ts";
export * from "./registry.ts";
export * from "./server.ts";
