// CEL for admission policies and CRD validation rules: compile, evaluate, values, errors.
export { CelCompileError, compile, defaultCostLimit, type Environment, type Program } from "./compile.ts";
export { CelCostLimitError, CelEvalError } from "./errors.ts";
export type { FunctionDef } from "./functions.ts";
export { QuantityValue } from "./k8slib.ts";
export { CelMap, CelOpaque, type CelValue, fromJson, type JsonTypeHint, toJson, typeName } from "./values.ts";
