import { describe, expect, it } from "vitest";
import { describeHostVariables } from "../../src/hosts/describe-host-variables.js";
import { HOSTS } from "../../src/hosts/host-registry.js";
import { noHostConfigured } from "../../src/hosts/no-host-configured.js";

describe("the host registry", () => {
  it("gives each host its own kind and webhook path", () => {
    expect(Object.fromEntries(HOSTS.map((h) => [h.kind, h.webhookPath]))).toEqual({
      github: "/api/github/webhooks",
      gitlab: "/api/gitlab/webhooks",
      gitea: "/api/gitea/webhooks",
      "bitbucket-server": "/api/bitbucket-server/webhooks",
      bitbucket: "/api/bitbucket-cloud/webhooks",
      "azure-devops": "/api/azure-devops/webhooks",
    });
    expect(new Set(HOSTS.map((h) => h.webhookPath)).size).toBe(HOSTS.length);
  });

  it("leaves a host disabled when none of its variables are set", () => {
    for (const host of HOSTS) expect(host.readEnv({})).toBeUndefined();
  });

  it("names each host's variables in the styles messages use", () => {
    const [github] = HOSTS;
    expect(describeHostVariables(github?.variables ?? [], "sentence")).toBe(
      "APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET",
    );
    expect(describeHostVariables(github?.variables ?? [], "slashes")).toBe(
      "APP_ID/PRIVATE_KEY/WEBHOOK_SECRET",
    );
    expect(describeHostVariables(github?.variables ?? [], "list")).toBe(
      "APP_ID, PRIVATE_KEY, WEBHOOK_SECRET",
    );
    expect(describeHostVariables(["ONLY"], "sentence")).toBe("ONLY");
  });

  it("names every host's variables when none is configured", () => {
    const error = noHostConfigured();
    expect(error.code).toBe("config-invalid");
    expect(error.message).toBe(
      "no Git host configured: set APP_ID/PRIVATE_KEY/WEBHOOK_SECRET, " +
        "GITLAB_URL/GITLAB_TOKEN/GITLAB_WEBHOOK_SECRET, GITEA_URL/GITEA_TOKEN/GITEA_WEBHOOK_SECRET, " +
        "BITBUCKET_SERVER_URL/BITBUCKET_SERVER_TOKEN/BITBUCKET_SERVER_WEBHOOK_SECRET, " +
        "BITBUCKET_CLOUD_WEBHOOK_SECRET/BITBUCKET_CLOUD_ACCESS_TOKEN, or " +
        "AZURE_DEVOPS_URL/AZURE_DEVOPS_TOKEN/AZURE_DEVOPS_WEBHOOK_USER/AZURE_DEVOPS_WEBHOOK_PASSWORD",
    );
    for (const host of HOSTS) {
      for (const v of host.variables) expect(error.message).toContain(typeof v === "string" ? v : v[0]);
    }
  });
});
