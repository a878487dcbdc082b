import type { HostDescriptor } from "../host-descriptor.js";
import { memoizeAsync } from "../shared/memoize-async.js";
import { type TokenHostEnv, tokenHostEnv } from "../shared/token-host-env.js";

/**
 * Bitbucket Server / Data Center: HMAC-signed webhooks, one HTTP access token for every repository. The URL
 * keeps its context path (`https://host/bitbucket`).
 */
export const bitbucketServerDescriptor: HostDescriptor<"bitbucket-server", TokenHostEnv> = {
  kind: "bitbucket-server",
  name: "Bitbucket Server",
  webhookPath: "/api/bitbucket-server/webhooks",
  variables: ["BITBUCKET_SERVER_URL", "BITBUCKET_SERVER_TOKEN", "BITBUCKET_SERVER_WEBHOOK_SECRET"],
  readEnv: (env) => tokenHostEnv(env, "BITBUCKET_SERVER", "Bitbucket Server"),
  async webhook(deps, settings) {
    return (await import("./bitbucket-server-webhook.js")).bitbucketServerWebhook(
      deps,
      settings.webhookSecret,
    );
  },
  gitHosts(settings) {
    const client = memoizeAsync(async () =>
      (await import("./bitbucket-server-host.js")).createBitbucketServerHost(settings),
    );
    return () => client();
  },
};
