import type { HostDescriptor } from "../host-descriptor.js";
import { memoizeAsync } from "../shared/memoize-async.js";
import { type TokenHostEnv, tokenHostEnv } from "../shared/token-host-env.js";

/** Gitea and Forgejo: HMAC-signed webhooks, one API token for every repository. */
export const giteaDescriptor: HostDescriptor<"gitea", TokenHostEnv> = {
  kind: "gitea",
  name: "Gitea",
  webhookPath: "/api/gitea/webhooks",
  variables: ["GITEA_URL", "GITEA_TOKEN", "GITEA_WEBHOOK_SECRET"],
  readEnv: (env) => tokenHostEnv(env, "GITEA", "Gitea"),
  async webhook(deps, settings) {
    return (await import("./gitea-webhook.js")).giteaWebhook(deps, settings.webhookSecret);
  },
  gitHosts(settings) {
    const client = memoizeAsync(async () => (await import("./gitea-host.js")).createGiteaHost(settings));
    return () => client();
  },
};
