import { describe, expect, it } from "vitest";
import { bitbucketCloudDescriptor } from "../../../src/hosts/bitbucket-cloud/bitbucket-cloud-descriptor.js";
import { parseBitbucketCloudEvent } from "../../../src/hosts/bitbucket-cloud/parse-bitbucket-cloud-event.js";
import { describeHostVariables } from "../../../src/hosts/describe-host-variables.js";
import { BOT, commentPayload, pushPayload, sha } from "./bitbucket-cloud-fixtures.js";

const read = (env: Record<string, string>) => bitbucketCloudDescriptor.readEnv(env);
const SECRET = { BITBUCKET_CLOUD_WEBHOOK_SECRET: "s3cret-hook" };

describe("Bitbucket Cloud configuration", () => {
  it("is off without its variables and names them", () => {
    expect(read({})).toBeUndefined();
    expect(describeHostVariables(bitbucketCloudDescriptor.variables, "sentence")).toBe(
      "BITBUCKET_CLOUD_WEBHOOK_SECRET and BITBUCKET_CLOUD_ACCESS_TOKEN (or BITBUCKET_CLOUD_EMAIL with BITBUCKET_CLOUD_API_TOKEN)",
    );
  });

  it("reads an API token with its e-mail (Basic) or an access token (Bearer)", () => {
    expect(
      read({ ...SECRET, BITBUCKET_CLOUD_EMAIL: "bot@example.com", BITBUCKET_CLOUD_API_TOKEN: "t0ken-value" }),
    ).toEqual({
      apiUrl: "https://api.bitbucket.org/2.0",
      auth: { kind: "api-token", email: "bot@example.com", token: "t0ken-value" },
      webhookSecret: "s3cret-hook",
    });
    expect(
      read({
        ...SECRET,
        BITBUCKET_CLOUD_ACCESS_TOKEN: "acc3ss",
        BITBUCKET_CLOUD_API_URL: "http://127.0.0.1:9/2.0/",
      }),
    ).toEqual({
      apiUrl: "http://127.0.0.1:9/2.0",
      auth: { kind: "access-token", token: "acc3ss" },
      webhookSecret: "s3cret-hook",
    });
  });

  it.each([
    [{ BITBUCKET_CLOUD_ACCESS_TOKEN: "acc3ss" }, /^BITBUCKET_CLOUD_WEBHOOK_SECRET: required/],
    [SECRET, /^BITBUCKET_CLOUD_ACCESS_TOKEN: required .* or BITBUCKET_CLOUD_EMAIL with/],
    [{ ...SECRET, BITBUCKET_CLOUD_API_TOKEN: "t0ken-value" }, /^BITBUCKET_CLOUD_EMAIL: required/],
    [{ ...SECRET, BITBUCKET_CLOUD_EMAIL: "bot@example.com" }, /^BITBUCKET_CLOUD_API_TOKEN: required/],
    [
      {
        ...SECRET,
        BITBUCKET_CLOUD_ACCESS_TOKEN: "a",
        BITBUCKET_CLOUD_EMAIL: "e",
        BITBUCKET_CLOUD_API_TOKEN: "t",
      },
      /not both/,
    ],
    [
      { ...SECRET, BITBUCKET_CLOUD_ACCESS_TOKEN: "a", BITBUCKET_CLOUD_API_URL: "ftp://x" },
      /^BITBUCKET_CLOUD_API_URL:/,
    ],
  ])("refuses a partial or contradictory configuration (%o), never echoing a value", (env, message) => {
    expect(() => read(env)).toThrow(message);
    try {
      read(env);
    } catch (error) {
      expect((error as Error).message).not.toContain("acc3ss");
      expect((error as Error).message).not.toContain("s3cret-hook");
    }
  });
});

describe("Bitbucket Cloud events", () => {
  it("marks app users' comments as a bot's and keeps a null body empty", () => {
    const payload = commentPayload(3, 5, { ...BOT, type: "app_user" }, "/plan");
    payload.comment.content.raw = null;
    expect(parseBitbucketCloudEvent("pullrequest:comment_created", payload)).toEqual([
      {
        result: expect.objectContaining({
          type: "comment",
          body: "",
          authorIsBot: true,
          author: `{${BOT.account_id}}`,
        }),
      },
    ]);
  });

  it("ignores Mercurial-era named branches and pushes without changes", () => {
    expect(
      parseBitbucketCloudEvent(
        "repo:push",
        pushPayload([{ type: "named_branch", name: "x", after: sha("01") }]),
      ),
    ).toEqual([{ result: { ignored: "push to a named_branch x, neither a branch nor a tag" } }]);
    expect(parseBitbucketCloudEvent("repo:push", pushPayload([]))).toEqual([
      { result: { ignored: "push without ref changes" } },
    ]);
  });
});
