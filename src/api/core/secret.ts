// The secrets resource: type Opaque by default, stringData folded into data, key syntax,
// per-type required keys, the size limit, and immutable type and data.
import type { Secret } from "kubernetes-types/core/v1.js";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import { nameIsDnsSubdomain } from "../validation/names.ts";
import { validateImmutable } from "../validation/objectmeta.ts";
import { maxDataSize, validateDataKeys, validateImmutableData } from "./configmap.ts";
import { ageColumn, column, defineResource, metaValidation, nameColumn, type Obj } from "./define.ts";

const meta = metaValidation(true, nameIsDnsSubdomain);
const dataPath = FieldPath.root("data");

/** Keys each built-in secret type must carry. */
const requiredKeys: Record<string, string[]> = {
  "kubernetes.io/dockercfg": [".dockercfg"],
  "kubernetes.io/dockerconfigjson": [".dockerconfigjson"],
  "kubernetes.io/ssh-auth": ["ssh-privatekey"],
  "kubernetes.io/tls": ["tls.crt", "tls.key"],
};

/** The secret's value bytes (data is base64 in JSON). */
function decoded(value: unknown): Buffer {
  return Buffer.from(String(value ?? ""), "base64");
}

function validateSecret(secret: Secret): FieldError[] {
  const errs = meta.create(secret.metadata);
  const data = secret.data ?? {};
  errs.push(...validateDataKeys(data, dataPath));
  let size = 0;
  for (const v of Object.values(data)) size += decoded(v).length;
  if (size > maxDataSize) errs.push(fieldErrors.tooLong(dataPath, "", maxDataSize));
  const type = secret.type ?? "Opaque";
  for (const key of requiredKeys[type] ?? []) {
    if (!Object.hasOwn(data, key)) errs.push(fieldErrors.required(dataPath.key(key), ""));
  }
  const jsonKey =
    type === "kubernetes.io/dockercfg"
      ? ".dockercfg"
      : type === "kubernetes.io/dockerconfigjson"
        ? ".dockerconfigjson"
        : "";
  if (jsonKey && Object.hasOwn(data, jsonKey)) {
    try {
      JSON.parse(decoded(data[jsonKey]).toString("utf8"));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      errs.push(fieldErrors.invalid(dataPath.key(jsonKey), "<secret contents redacted>", why));
    }
  }
  if (
    type === "kubernetes.io/basic-auth" &&
    !Object.hasOwn(data, "username") &&
    !Object.hasOwn(data, "password")
  ) {
    errs.push(
      fieldErrors.required(dataPath.key("username"), ""),
      fieldErrors.required(dataPath.key("password"), ""),
    );
  }
  if (
    type === "kubernetes.io/service-account-token" &&
    !secret.metadata?.annotations?.["kubernetes.io/service-account.name"]
  ) {
    errs.push(
      fieldErrors.required(
        FieldPath.root("metadata").child("annotations").key("kubernetes.io/service-account.name"),
        "",
      ),
    );
  }
  return errs;
}

export const secrets = defineResource<Obj<Secret>>({
  group: "",
  version: "v1",
  resource: "secrets",
  singular: "secret",
  kind: "Secret",
  namespaced: true,
  strategy: {
    defaults(secret) {
      secret.type ||= "Opaque";
      // The v1 conversion writes stringData into data and never stores stringData.
      if (secret.stringData) {
        const data = { ...(secret.data ?? {}) };
        for (const [k, v] of Object.entries(secret.stringData))
          data[k] = Buffer.from(String(v), "utf8").toString("base64");
        secret.data = data;
        delete secret.stringData;
      }
    },
    validate: validateSecret,
    validateUpdate: (secret, old) => [
      ...meta.update(secret.metadata, old.metadata),
      ...validateImmutable(secret.type, old.type, FieldPath.root("type")),
      ...validateImmutableData(secret, old, ["data"]),
    ],
    table: {
      columns: [
        nameColumn,
        column("Type", "The type of the secret"),
        column("Data", "The number of entries in the secret", { type: "integer" }),
        ageColumn,
      ],
      cells: (s, now) => [
        s.metadata?.name ?? "",
        s.type ?? "",
        Object.keys(s.data ?? {}).length,
        age(s.metadata?.creationTimestamp, now),
      ],
    },
    fieldSelectors: { type: (s) => s.type ?? "" },
  },
});
