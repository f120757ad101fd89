// `--admission-control-config-file`: an apiserver.config.k8s.io/v1 AdmissionConfiguration whose
// plugin entries configure PodSecurity (PodSecurityConfiguration: defaults and exemptions) and the
// webhook plugins (WebhookAdmissionConfiguration: the kubeconfig with credentials per webhook host).
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse } from "yaml";
import type { Level } from "./podsecurity/policy.ts";
import {
  type CredentialResolver,
  loadWebhookKubeconfig,
  WebhookKubeconfigError,
} from "./webhook/credentials.ts";

export class AdmissionConfigError extends Error {
  override name = "AdmissionConfigError";
}

export interface PodSecurityDefaults {
  enforce: Level;
  enforceVersion: string;
  audit: Level;
  auditVersion: string;
  warn: Level;
  warnVersion: string;
}

export interface PodSecurityConfig {
  defaults: PodSecurityDefaults;
  exemptions: { usernames: string[]; runtimeClasses: string[]; namespaces: string[] };
}

export interface AdmissionConfig {
  podSecurity?: PodSecurityConfig;
  /** Absolute path of the webhooks' kubeconfig (credentials per host). */
  webhookKubeConfigFile?: string;
  /** The credentials it holds per webhook host. */
  webhookCredentials?: CredentialResolver;
}

const admissionVersions = ["apiserver.config.k8s.io/v1", "apiserver.k8s.io/v1alpha1"];
const podSecurityVersions = [
  "pod-security.admission.config.k8s.io/v1",
  "pod-security.admission.config.k8s.io/v1beta1",
  "pod-security.admission.config.k8s.io/v1alpha1",
];
const webhookVersions = ["apiserver.config.k8s.io/v1", "apiserver.config.k8s.io/v1alpha1"];
const webhookPlugins = ["ValidatingAdmissionWebhook", "MutatingAdmissionWebhook"];

type Doc = Record<string, unknown>;

function readDoc(path: string): Doc {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new AdmissionConfigError(
      `unable to read admission control configuration from "${path}" [${String(err)}]`,
    );
  }
  const doc = parse(text) as unknown;
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    throw new AdmissionConfigError(`${path}: not an object`);
  return doc as Doc;
}

function expectKind(doc: Doc, versions: string[], kind: string, where: string): void {
  if (!versions.includes(String(doc.apiVersion)) || doc.kind !== kind) {
    throw new AdmissionConfigError(
      `${where}: want ${kind} (apiVersion ${versions[0]}), got ${String(doc.kind)} (apiVersion ${String(doc.apiVersion)})`,
    );
  }
}

function level(value: unknown, field: string): Level {
  if (value === undefined || value === "") return "privileged";
  if (value === "privileged" || value === "baseline" || value === "restricted") return value;
  throw new AdmissionConfigError(
    `defaults.${field}: Invalid value: ${JSON.stringify(value)}: must be one of privileged, baseline, restricted`,
  );
}

function version(value: unknown, field: string): string {
  if (value === undefined || value === "" || value === "latest") return "latest";
  if (typeof value === "string" && /^v1\.(0|[1-9][0-9]*)$/.test(value)) return value;
  throw new AdmissionConfigError(
    `defaults.${field}: Invalid value: ${JSON.stringify(value)}: must be "latest" or "v1.x"`,
  );
}

function strings(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string"))
    throw new AdmissionConfigError(`exemptions.${field}: must be a list of strings`);
  return value as string[];
}

export function podSecurityConfig(doc: Doc, where: string): PodSecurityConfig {
  expectKind(doc, podSecurityVersions, "PodSecurityConfiguration", where);
  const d = (doc.defaults ?? {}) as Doc;
  const e = (doc.exemptions ?? {}) as Doc;
  return {
    defaults: {
      enforce: level(d.enforce, "enforce"),
      enforceVersion: version(d["enforce-version"], "enforce-version"),
      audit: level(d.audit, "audit"),
      auditVersion: version(d["audit-version"], "audit-version"),
      warn: level(d.warn, "warn"),
      warnVersion: version(d["warn-version"], "warn-version"),
    },
    exemptions: {
      usernames: strings(e.usernames, "usernames"),
      runtimeClasses: strings(e.runtimeClasses, "runtimeClasses"),
      namespaces: strings(e.namespaces, "namespaces"),
    },
  };
}

/** Reads the file; plugin configuration is inline (`configuration`) or in a file (`path`, relative to it). */
export function loadAdmissionConfig(path: string): AdmissionConfig {
  const base = dirname(resolve(path));
  const doc = readDoc(path);
  expectKind(doc, admissionVersions, "AdmissionConfiguration", path);
  const plugins = doc.plugins ?? [];
  if (!Array.isArray(plugins)) throw new AdmissionConfigError(`${path}: plugins must be a list`);
  const out: AdmissionConfig = {};
  for (const [i, p] of (plugins as Doc[]).entries()) {
    const name = String(p?.name ?? "");
    const at = `${path}: plugins[${i}] (${name})`;
    const configuration =
      p.configuration !== undefined
        ? (p.configuration as Doc)
        : typeof p.path === "string"
          ? readDoc(isAbsolute(p.path) ? p.path : resolve(base, p.path))
          : undefined;
    if (!configuration) continue;
    if (name === "PodSecurity") out.podSecurity = podSecurityConfig(configuration, at);
    else if (webhookPlugins.includes(name)) {
      expectKind(configuration, webhookVersions, "WebhookAdmissionConfiguration", at);
      const file = configuration.kubeConfigFile;
      if (typeof file !== "string" || file === "") continue;
      // Upstream requires an absolute path here.
      if (!isAbsolute(file))
        throw new AdmissionConfigError(`${at}: kubeConfigFile "${file}" must be an absolute path`);
      out.webhookKubeConfigFile = file;
      try {
        out.webhookCredentials = loadWebhookKubeconfig(file);
      } catch (err) {
        if (err instanceof WebhookKubeconfigError) throw new AdmissionConfigError(`${at}: ${err.message}`);
        throw err;
      }
    }
  }
  return out;
}
