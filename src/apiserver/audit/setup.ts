// `skiff server --audit-policy-file --audit-log-path [--audit-log-maxsize --audit-log-maxbackup]`:
// both files are needed for events, as for kube-apiserver.
import { readFileSync } from "node:fs";
import { AuditLog } from "./log.ts";
import { AuditPolicyError, parseAuditPolicy } from "./policy.ts";
import { Auditor } from "./recorder.ts";

export interface AuditFlags {
  policyFile?: string;
  logPath?: string;
  maxSizeMb?: number;
  maxBackups?: number;
}

/** Undefined when auditing is off; throws AuditPolicyError for an unusable policy. */
export function createAuditor(flags: AuditFlags): { auditor: Auditor; close(): void } | undefined {
  if (!flags.policyFile || !flags.logPath) return undefined;
  let text: string;
  try {
    text = readFileSync(flags.policyFile, "utf8");
  } catch (err) {
    throw new AuditPolicyError(`cannot read audit policy ${flags.policyFile}: ${(err as Error).message}`);
  }
  const policy = parseAuditPolicy(text);
  const log = new AuditLog({
    path: flags.logPath,
    ...(flags.maxSizeMb !== undefined ? { maxSizeMb: flags.maxSizeMb } : {}),
    ...(flags.maxBackups !== undefined ? { maxBackups: flags.maxBackups } : {}),
  });
  return { auditor: new Auditor({ policy, log }), close: () => log.close() };
}
