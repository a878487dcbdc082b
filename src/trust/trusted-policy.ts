import type { Permission, ZakenakConfig } from "../config/schema.js";
import {
  DEFAULT_SECRET_SCAN_POLICY,
  type SecretScanPolicy,
} from "../validation/secret-scan/secret-scan-policy.js";
import type { RepositoryGrant } from "./repository-grant.js";

/** An environment as the bot deploys it: the default branch's request within the operator's grant. */
export interface TrustedEnvironment {
  name: string;
  branch?: string;
  tag?: string;
  kubeContext?: string;
  requireSignedCommits: boolean;
  forceConflicts: boolean;
  healthTimeoutSeconds?: number;
  historyLimit?: number;
  /** The operator's ref globs; undefined: any ref the default branch maps. */
  branches?: string[];
  tags?: string[];
}

/** An environment the default branch asks for and the operator does not grant, with the rule it breaks. */
export interface RefusedEnvironment {
  name: string;
  rule: string;
  reason: string;
}

/** Everything the bot decides from trusted sources: the server configuration and the default branch. */
export interface TrustedPolicy {
  defaultBranch: string;
  environments: TrustedEnvironment[];
  refused: RefusedEnvironment[];
  permissions: Record<"plan" | "rollback" | "unlock", Permission>;
  /** The validation policy: a pull request must not switch off the rule that would flag it. */
  rules: ZakenakConfig["policy"]["rules"];
  /** The secret scan's allowlist: a pull request must not allowlist its own secrets. */
  secretScan: SecretScanPolicy;
  grant: RepositoryGrant;
  /** Every environment's ref mapping as the default branch declares it, refused ones included. */
  mappings: Record<string, { branch?: string; tag?: string }>;
}

/**
 * Checks the default branch's environments against the operator's grant. What the grant does not allow
 * (an environment, a kube context, forceConflicts) is refused by name; what it forces (signed commits)
 * is added. A pushed commit's or a pull request's own `.zakenak.yaml` never reaches this function.
 */
export function trustedPolicy(
  config: ZakenakConfig,
  defaultBranch: string,
  grant: RepositoryGrant,
): TrustedPolicy {
  const environments: TrustedEnvironment[] = [];
  const refused: RefusedEnvironment[] = [];
  for (const env of config.environments) {
    const granted = grant.environments ? grant.environments[env.name] : undefined;
    const refuse = (rule: string, reason: string) => refused.push({ name: env.name, rule, reason });
    if (grant.environments && !granted) {
      refuse(
        "environment-not-granted",
        `${grant.source} grants this repository no environment "${env.name}"`,
      );
      continue;
    }
    if (granted && env.kubeContext !== undefined && env.kubeContext !== granted.kubeContext) {
      refuse(
        "kube-context-not-granted",
        `environment ${env.name} names kube context "${env.kubeContext}"; ${grant.source} grants ${
          granted.kubeContext ? `"${granted.kubeContext}"` : "the default context"
        }`,
      );
      continue;
    }
    if (granted && env.forceConflicts === true && !granted.forceConflicts) {
      refuse(
        "force-conflicts-not-granted",
        `environment ${env.name} sets forceConflicts; ${grant.source} does not allow it`,
      );
      continue;
    }
    const kubeContext = granted ? granted.kubeContext : env.kubeContext;
    environments.push({
      name: env.name,
      ...(env.branch !== undefined ? { branch: env.branch } : {}),
      ...(env.tag !== undefined ? { tag: env.tag } : {}),
      ...(kubeContext !== undefined ? { kubeContext } : {}),
      requireSignedCommits: env.requireSignedCommits === true || granted?.requireSignedCommits === true,
      forceConflicts: env.forceConflicts === true,
      ...(env.healthTimeoutSeconds !== undefined ? { healthTimeoutSeconds: env.healthTimeoutSeconds } : {}),
      ...(env.historyLimit !== undefined ? { historyLimit: env.historyLimit } : {}),
      ...(granted?.branches ? { branches: granted.branches } : {}),
      ...(granted?.tags ? { tags: granted.tags } : {}),
    });
  }
  const { plan, rollback, unlock, rules, secretScan } = config.policy;
  const mappings = Object.fromEntries(
    config.environments.map((e) => [
      e.name,
      {
        ...(e.branch !== undefined ? { branch: e.branch } : {}),
        ...(e.tag !== undefined ? { tag: e.tag } : {}),
      },
    ]),
  );
  return {
    defaultBranch,
    environments,
    refused,
    permissions: { plan, rollback, unlock },
    rules,
    // Never left to the head's config: an absent setting here means no allowlist, not the PR's.
    secretScan: secretScan ?? DEFAULT_SECRET_SCAN_POLICY,
    grant,
    mappings,
  };
}
