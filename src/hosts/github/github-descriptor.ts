import { ZakenakError } from "../../errors.js";
import type { HostDescriptor } from "../host-descriptor.js";
import { memoizeAsync } from "../shared/memoize-async.js";
import { type GithubEnv, githubEnv } from "./github-env.js";

const WEBHOOK_PATH = "/api/github/webhooks";

/** A GitHub App (github.com or Enterprise Server): intake verifies the webhooks; Probot authenticates per installation. */
export const githubDescriptor: HostDescriptor<"github", GithubEnv> = {
  kind: "github",
  name: "GitHub",
  webhookPath: WEBHOOK_PATH,
  variables: ["APP_ID", ["PRIVATE_KEY", "PRIVATE_KEY_PATH"], "WEBHOOK_SECRET"],
  readEnv: githubEnv,
  async webhook(deps, settings) {
    return (await import("./github-webhook.js")).githubWebhook(deps, settings);
  },
  gitHosts(github) {
    const probot = memoizeAsync(async () => {
      const { Probot } = await import("probot");
      return new Probot({
        appId: github.appId,
        privateKey: github.privateKey,
        secret: github.webhookSecret,
        baseUrl: github.baseUrl,
      });
    });
    return async (repo) => {
      const installation = repo.installationId;
      if (installation === undefined) {
        throw new ZakenakError("invalid", `no GitHub App installation given for ${repo.fullName}`);
      }
      const app = await probot();
      // Installation tokens expire after an hour: a fresh Octokit per job, Probot caches the token.
      const { githubHostForInstallation } = await import("./github-host-for-installation.js");
      return githubHostForInstallation(app, installation);
    };
  },
};
