import type { HostDescriptor } from "../host-descriptor.js";
import { memoizeAsync } from "../shared/memoize-async.js";
import { type TokenHostEnv, tokenHostEnv } from "../shared/token-host-env.js";

/** GitLab (SaaS or self-managed): webhooks carry a shared secret token, one API token for every project. */
export const gitlabDescriptor: HostDescriptor<"gitlab", TokenHostEnv> = {
  kind: "gitlab",
  name: "GitLab",
  webhookPath: "/api/gitlab/webhooks",
  variables: ["GITLAB_URL", "GITLAB_TOKEN", "GITLAB_WEBHOOK_SECRET"],
  readEnv: (env) => tokenHostEnv(env, "GITLAB", "GitLab"),
  async webhook(deps, settings) {
    return (await import("./gitlab-webhook.js")).gitlabWebhook(deps, settings.webhookSecret);
  },
  gitHosts(settings) {
    // gitbeaker is loaded here, on the first job for a GitLab project.
    const client = memoizeAsync(async () => (await import("./gitlab-host.js")).createGitLabHost(settings));
    return () => client();
  },
};
