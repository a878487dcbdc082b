import type { HostDescriptor } from "../host-descriptor.js";
import { memoizeAsync } from "../shared/memoize-async.js";
import { type BitbucketCloudEnv, bitbucketCloudEnv } from "./bitbucket-cloud-env.js";

/** Bitbucket Cloud: HMAC-signed webhooks, an API token (with its e-mail) or an access token for the API. */
export const bitbucketCloudDescriptor: HostDescriptor<"bitbucket", BitbucketCloudEnv> = {
  kind: "bitbucket",
  name: "Bitbucket Cloud",
  webhookPath: "/api/bitbucket-cloud/webhooks",
  variables: [
    "BITBUCKET_CLOUD_WEBHOOK_SECRET",
    ["BITBUCKET_CLOUD_ACCESS_TOKEN", "BITBUCKET_CLOUD_EMAIL with BITBUCKET_CLOUD_API_TOKEN"],
  ],
  readEnv: bitbucketCloudEnv,
  async webhook(deps, settings) {
    return (await import("./bitbucket-cloud-webhook.js")).bitbucketCloudWebhook(deps, settings);
  },
  gitHosts(settings) {
    const client = memoizeAsync(async () =>
      (await import("./bitbucket-cloud-host.js")).createBitbucketCloudHost(settings),
    );
    return () => client();
  },
};
