import type { HostDescriptor } from "../host-descriptor.js";
import { memoizeAsync } from "../shared/memoize-async.js";
import { AZURE_DEVOPS_VARIABLES, type AzureDevOpsEnv, azureDevOpsEnv } from "./azure-devops-env.js";

/** Azure DevOps Services and Server (2020+): service hooks with Basic credentials, one PAT for the collection. */
export const azureDevOpsDescriptor: HostDescriptor<"azure-devops", AzureDevOpsEnv> = {
  kind: "azure-devops",
  name: "Azure DevOps",
  webhookPath: "/api/azure-devops/webhooks",
  variables: AZURE_DEVOPS_VARIABLES,
  readEnv: azureDevOpsEnv,
  async webhook(deps, settings) {
    return (await import("./azure-devops-webhook.js")).azureDevOpsWebhook(deps, {
      user: settings.webhookUser,
      password: settings.webhookPassword,
    });
  },
  gitHosts(settings) {
    const client = memoizeAsync(async () =>
      (await import("./azure-devops-host.js")).createAzureDevOpsHost(settings),
    );
    return () => client();
  },
};
