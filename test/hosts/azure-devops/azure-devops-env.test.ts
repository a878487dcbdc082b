import { describe, expect, it } from "vitest";
import { azureDevOpsEnv } from "../../../src/hosts/azure-devops/azure-devops-env.js";

const full = {
  AZURE_DEVOPS_URL: "https://dev.azure.com/acme/",
  AZURE_DEVOPS_TOKEN: "secret-pat-value",
  AZURE_DEVOPS_WEBHOOK_USER: "hook",
  AZURE_DEVOPS_WEBHOOK_PASSWORD: "hook-password",
};

describe("azureDevOpsEnv", () => {
  it("reads the variables, defaults the api-version to 7.1 and drops the trailing slash", () => {
    expect(azureDevOpsEnv({})).toBeUndefined();
    expect(azureDevOpsEnv(full)).toEqual({
      url: "https://dev.azure.com/acme",
      token: "secret-pat-value",
      webhookUser: "hook",
      webhookPassword: "hook-password",
      apiVersion: "7.1",
    });
    expect(
      azureDevOpsEnv({ ...full, AZURE_DEVOPS_API_VERSION: "6.0", AZURE_DEVOPS_WRITERS_GROUP: "Ops" }),
    ).toMatchObject({ apiVersion: "6.0", writersGroup: "Ops" });
  });

  it("requires the webhook credentials, and names variables, never values", () => {
    const { AZURE_DEVOPS_WEBHOOK_PASSWORD: _, ...noPassword } = full;
    expect(() => azureDevOpsEnv(noPassword)).toThrow(
      /AZURE_DEVOPS_WEBHOOK_PASSWORD: required for Azure DevOps/,
    );
    expect(() => azureDevOpsEnv({ AZURE_DEVOPS_WRITERS_GROUP: "Ops" })).toThrow(/AZURE_DEVOPS_URL: required/);
    expect(() => azureDevOpsEnv({ ...full, AZURE_DEVOPS_API_VERSION: "latest" })).toThrow(
      /AZURE_DEVOPS_API_VERSION/,
    );
    expect(() => azureDevOpsEnv({ ...full, AZURE_DEVOPS_URL: "dev.azure.com/acme" })).toThrow(
      /AZURE_DEVOPS_URL/,
    );
  });
});
