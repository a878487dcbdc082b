import { describe, expect, it } from "vitest";
import { parseServerConfig } from "../../src/config/load-server-config.js";
import { isPollJobId, pollDelivery, pollDeliveryId } from "../../src/polling/poll-delivery.js";
import { pollTargets } from "../../src/polling/poll-targets.js";
import { deliveryJobId } from "../../src/queue/delivery-queue.js";

describe("poll targets", () => {
  it("polls every name of an entry with poll, on its host or the only one configured", () => {
    const server = parseServerConfig(
      `repositories:
  - match: [acme/shop, acme/api]
    poll: { interval: 1m }
  - match: acme/shop
    poll: { interval: 5s }
  - match: "acme/**"
`,
      "server.yaml",
    );
    expect(pollTargets(server, ["gitea"])).toEqual([
      { repo: { host: "gitea", fullName: "acme/shop" }, intervalMs: 60_000 },
      { repo: { host: "gitea", fullName: "acme/api" }, intervalMs: 60_000 },
    ]);
    expect(pollTargets(undefined, ["gitea"])).toEqual([]);
  });

  it("needs the host named when several are configured, and one that is configured", () => {
    const server = parseServerConfig(
      "repositories:\n  - match: acme/shop\n    poll: { interval: 1m }\n",
      "s.yaml",
    );
    expect(() => pollTargets(server, ["gitea", "gitlab"])).toThrow(
      "server configuration repositories[0].poll.host: required when several hosts are configured (gitea, gitlab)",
    );
    const named = parseServerConfig(
      "repositories:\n  - match: acme/shop\n    poll: { interval: 1m, host: gitlab }\n",
      "s.yaml",
    );
    expect(() => pollTargets(named, ["gitea"])).toThrow(
      "poll.host: gitlab is not configured for the workers",
    );
    expect(() =>
      parseServerConfig(
        "repositories:\n  - match: acme/shop\n    poll: { interval: 1m, host: svn }\n",
        "s.yaml",
      ),
    ).toThrow("s.yaml:3: repositories[0].poll.host: must be one of github, gitlab, gitea");
  });
});

describe("polled pushes", () => {
  it("have one delivery id per repository, ref and commit, told apart from webhooks'", () => {
    const repo = { host: "gitea" as const, fullName: "acme/shop" };
    const sha = "b".repeat(40);
    const id = pollDeliveryId(repo, "refs/heads/develop", sha);
    expect(pollDeliveryId(repo, "refs/heads/develop", sha)).toBe(id);
    expect(pollDeliveryId(repo, "refs/heads/main", sha)).not.toBe(id);
    expect(isPollJobId(deliveryJobId({ host: "gitea", id }))).toBe(true);
    expect(isPollJobId(deliveryJobId({ host: "gitea", id: "0b1c2d3e-poll-like" }))).toBe(false);
    expect(pollDelivery(repo, "refs/tags/v1.2.0", sha)).toEqual({
      id: pollDeliveryId(repo, "refs/tags/v1.2.0", sha),
      host: "gitea",
      event: {
        type: "push",
        repo,
        ref: "refs/tags/v1.2.0",
        refType: "tag",
        refName: "v1.2.0",
        after: sha,
        deleted: false,
        pusher: "zakenak-poll",
      },
    });
  });
});
