import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";

/** How a test talks to one host's intake route: its settings, its path and a correctly signed request. */
export interface HostRequests {
  name: string;
  path: string;
  env: Record<string, string>;
  /** Headers of a delivery of `event` signed as the host signs it (Azure DevOps: its Basic credentials). */
  signed(event: string, body: Uint8Array): Record<string, string>;
}

const SECRET = `fuzz-secret-${randomUUID()}`;
const hmac = (body: Uint8Array) => createHmac("sha256", SECRET).update(body).digest("hex");
const json = { "content-type": "application/json" };

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

export function hostRequests(bitbucketCloudApi: string): HostRequests[] {
  return [
    {
      name: "GitHub",
      path: "/api/github/webhooks",
      env: {
        APP_ID: "424242",
        PRIVATE_KEY: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        WEBHOOK_SECRET: SECRET,
      },
      signed: (event, body) => ({
        ...json,
        "x-github-event": event,
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": `sha256=${hmac(body)}`,
      }),
    },
    {
      name: "GitLab",
      path: "/api/gitlab/webhooks",
      env: {
        GITLAB_URL: "https://gitlab.example.com",
        GITLAB_TOKEN: "glpat-fuzz",
        GITLAB_WEBHOOK_SECRET: SECRET,
      },
      signed: (event) => ({
        ...json,
        "x-gitlab-event": event,
        "x-gitlab-token": SECRET,
        "x-gitlab-event-uuid": randomUUID(),
      }),
    },
    {
      name: "Gitea",
      path: "/api/gitea/webhooks",
      env: { GITEA_URL: "http://127.0.0.1:1", GITEA_TOKEN: "gitea-fuzz", GITEA_WEBHOOK_SECRET: SECRET },
      signed: (event, body) => ({
        ...json,
        "x-gitea-event": event,
        "x-gitea-event-type": event,
        "x-gitea-delivery": randomUUID(),
        "x-gitea-signature": hmac(body),
      }),
    },
    {
      name: "Bitbucket Server",
      path: "/api/bitbucket-server/webhooks",
      env: {
        BITBUCKET_SERVER_URL: "https://bitbucket.example.com",
        BITBUCKET_SERVER_TOKEN: "bbs-fuzz",
        BITBUCKET_SERVER_WEBHOOK_SECRET: SECRET,
      },
      signed: (event, body) => ({
        ...json,
        "x-event-key": event,
        "x-request-id": randomUUID(),
        "x-hub-signature": `sha256=${hmac(body)}`,
      }),
    },
    {
      name: "Bitbucket Cloud",
      path: "/api/bitbucket-cloud/webhooks",
      env: {
        BITBUCKET_CLOUD_API_URL: `${bitbucketCloudApi}/2.0`,
        BITBUCKET_CLOUD_ACCESS_TOKEN: "bbc-fuzz",
        BITBUCKET_CLOUD_WEBHOOK_SECRET: SECRET,
      },
      signed: (event, body) => ({
        ...json,
        "x-event-key": event,
        "x-request-uuid": randomUUID(),
        "x-hub-signature": `sha256=${hmac(body)}`,
      }),
    },
    {
      name: "Azure DevOps",
      path: "/api/azure-devops/webhooks",
      env: {
        AZURE_DEVOPS_URL: "https://dev.azure.com/acme/",
        AZURE_DEVOPS_TOKEN: "ado-fuzz",
        AZURE_DEVOPS_WEBHOOK_USER: "hook",
        AZURE_DEVOPS_WEBHOOK_PASSWORD: SECRET,
      },
      signed: () => ({ ...json, authorization: `Basic ${Buffer.from(`hook:${SECRET}`).toString("base64")}` }),
    },
  ];
}
