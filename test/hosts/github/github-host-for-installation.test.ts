import { generateKeyPairSync } from "node:crypto";
import { Probot } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { githubHostForInstallation } from "../../../src/hosts/github/github-host-for-installation.js";
import { type StrictHttpFake, startStrictHttpFake } from "../../support/strict-http-fake.js";
import { issueComment, owner, repoName } from "./github-fixtures.js";

const installationToken = "ghs_InstallationToken0123456789abcdefAB";

let fake: StrictHttpFake;
beforeAll(async () => {
  fake = await startStrictHttpFake();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.verify();
});

describe("githubHostForInstallation", () => {
  it("acts with the installation token and comments as <slug>[bot]", async () => {
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const app = new Probot({ appId: 123, privateKey, baseUrl: fake.url, logLevel: "fatal" });
    const repoPath = `/repos/${owner}/${repoName}`;
    fake.expect(
      // The App's own identity, asked with its JWT.
      {
        method: "GET",
        path: "/app",
        requestHeaders: { authorization: /^bearer ey/i },
        json: {
          id: 123,
          slug: "zakenak",
          name: "Zakenak",
          owner: { login: owner },
          permissions: {},
          events: [],
        },
      },
      {
        method: "POST",
        path: "/app/installations/42/access_tokens",
        status: 201,
        json: {
          token: installationToken,
          expires_at: "2099-01-01T00:00:00Z",
          permissions: {},
          repository_selection: "all",
        },
      },
      {
        method: "GET",
        path: `${repoPath}/issues/7/comments`,
        requestHeaders: { authorization: `token ${installationToken}` },
        json: [issueComment(fake.url, 5, "<!-- m -->\nold", "zakenak[bot]")],
      },
      {
        method: "PATCH",
        path: `${repoPath}/issues/comments/5`,
        requestHeaders: { authorization: `token ${installationToken}` },
        body: { body: "<!-- m -->\nnew" },
        json: issueComment(fake.url, 5, "<!-- m -->\nnew", "zakenak[bot]"),
      },
    );
    const host = await githubHostForInstallation(app, 42);
    expect(await host.botUser()).toBe("zakenak[bot]");
    const repo = { host: "github" as const, fullName: `${owner}/${repoName}`, installationId: 42 };
    expect(await host.upsertComment(repo, 7, "<!-- m -->", "<!-- m -->\nnew")).toEqual({
      id: "5",
      created: false,
    });
  });
});
