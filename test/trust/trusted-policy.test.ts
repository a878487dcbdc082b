import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load-config.js";
import { parseServerConfig } from "../../src/config/load-server-config.js";
import { repositoryGrant, SINGLE_TENANT, servedRepositories } from "../../src/trust/repository-grant.js";
import { trustedPolicy } from "../../src/trust/trusted-policy.js";

const repoConfig = parseConfig(`environments:
  - name: dev
    branch: develop
  - name: staging
    branch: staging
    kubeContext: shared
  - name: prod
    tag: "v*"
    forceConflicts: true
    healthTimeoutSeconds: 600
policy:
  rollback: maintain
  rules:
    image-latest-tag: error
`);

const server = parseServerConfig(
  `repositories:
  - match: acme/shop
    environments:
      dev: { kubeContext: dev-cluster, branches: [develop] }
      staging: { kubeContext: staging-cluster }
      prod: { kubeContext: prod-cluster, requireSignedCommits: true }
    pullRequests: { clusterView: all }
    kustomize: { remoteBases: ["https://example.com/bases/"] }
    limits: { archive: { maxEntries: 50 } }
  - match: [acme/*, "platform/**"]
    environments:
      dev: { kubeContext: team-dev, forceConflicts: true }
limits:
  archive: { maxEntries: 100, maxExtractedBytes: 1000 }
`,
  "server.yaml",
);

describe("the trusted policy: the default branch's requests within the operator's grant", () => {
  it("trusts the default branch as the operator in single-tenant mode", () => {
    const policy = trustedPolicy(repoConfig, "main", SINGLE_TENANT);
    expect(policy.refused).toEqual([]);
    expect(policy.environments.map((e) => [e.name, e.kubeContext, e.forceConflicts])).toEqual([
      ["dev", undefined, false],
      ["staging", "shared", false],
      ["prod", undefined, true],
    ]);
    expect(policy.permissions.rollback).toBe("maintain");
    expect(policy.rules).toEqual({ "image-latest-tag": "error" });
    expect(policy.grant.clusterView).toBe("same-repository");
  });

  it("gives granted environments the granted context, and refuses other contexts and ungranted options by rule", () => {
    const policy = trustedPolicy(repoConfig, "main", repositoryGrant(server, "acme/shop"));
    const dev = policy.environments.find((e) => e.name === "dev");
    expect(dev).toMatchObject({
      kubeContext: "dev-cluster",
      branches: ["develop"],
      requireSignedCommits: false,
    });
    expect(policy.refused).toEqual([
      {
        name: "staging",
        rule: "kube-context-not-granted",
        reason:
          'environment staging names kube context "shared"; server configuration repositories[0] grants "staging-cluster"',
      },
      {
        name: "prod",
        rule: "force-conflicts-not-granted",
        reason:
          "environment prod sets forceConflicts; server configuration repositories[0] does not allow it",
      },
    ]);
    expect(policy.grant).toMatchObject({
      clusterView: "all",
      remoteBases: ["https://example.com/bases/"],
      archive: { maxEntries: 50, maxExtractedBytes: 1000 },
    });
  });

  it("forces signed commits on where the operator says so", () => {
    const config = parseConfig("environments:\n  - name: prod\n    tag: 'v*'\n");
    const policy = trustedPolicy(config, "main", repositoryGrant(server, "acme/shop"));
    expect(policy.environments[0]).toMatchObject({
      name: "prod",
      kubeContext: "prod-cluster",
      requireSignedCommits: true,
    });
  });

  it("uses the first entry that matches, and grants nothing where none does", () => {
    const team = trustedPolicy(repoConfig, "main", repositoryGrant(server, "platform/infra/cluster"));
    expect(team.environments.map((e) => e.name)).toEqual(["dev"]);
    expect(team.refused.map((r) => [r.name, r.rule])).toEqual([
      ["staging", "environment-not-granted"],
      ["prod", "environment-not-granted"],
    ]);
    const stranger = trustedPolicy(repoConfig, "main", repositoryGrant(server, "other/repo"));
    expect(stranger.environments).toEqual([]);
    expect(stranger.grant.clusterView).toBe("none");
  });

  it("serves the union of the allow list and the server configuration's repositories, and nothing by default", () => {
    const served = servedRepositories(["solo/one"], server);
    expect(["acme/shop", "acme/web", "platform/a/b", "solo/one"].every(served.allowed)).toBe(true);
    expect(served.allowed("other/repo")).toBe(false);
    expect(servedRepositories([], undefined).globs).toEqual([]);
  });
});
