import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { replyMarker } from "../../src/commands/command-reply.js";
import { PLAN_MARKER } from "../../src/commands/plan-comment.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import { connectShared, liveData, uniqueName, waitFor } from "../support/cluster-kit.js";
import { expectRefused, expectRolledBack } from "../support/e2e-loop-scenario.js";
import { e2eManifests, e2eZakenakYaml, MANIFEST_PATH } from "../support/e2e-repo.js";
import { jobLog, type RunningServe, startServe } from "../support/e2e-serve.js";
import { statusesOf } from "../workers/bot-events.js";
import { createTestRepo, type GiteaWorld, startGiteaWorld, type TestRepo } from "../workers/worker-kit.js";

const LOOP_TIMEOUT = 180_000;
const WAIT = { timeoutMs: 90_000, intervalMs: 250 };

let world: GiteaWorld;
let client: ConnectedKubeClient;
let serve: RunningServe;
let repo: TestRepo;
// Unique per run: revisions are kept per environment name in the shared cluster.
const env = uniqueName("dev");
const ns = uniqueName("e2e-gitea");
const secret = randomBytes(16).toString("hex");

beforeAll(async () => {
  [world, client] = await Promise.all([startGiteaWorld(), connectShared()]);
  repo = await createTestRepo(world, {
    ".zakenak.yaml": e2eZakenakYaml(env),
    [MANIFEST_PATH]: e2eManifests(ns, "blue"),
  });
  serve = await startServe({
    GITEA_URL: world.gitea.url,
    GITEA_TOKEN: world.bot.token,
    GITEA_WEBHOOK_SECRET: secret,
  });
  // Gitea itself signs and sends every delivery from here on.
  await world.admin.createWebhook({
    owner: repo.owner,
    repo: repo.name,
    url: `${serve.url}/api/gitea/webhooks`,
    secret,
  });
}, 300_000);

afterAll(async () => {
  const code = await serve?.stop();
  await world?.stop();
  client?.close();
  expect(code ?? 0).toBe(0);
});

const r = () => ({ owner: repo.owner, repo: repo.name });

/** Opens a PR from a new branch off develop that sets the ConfigMap's color, and waits for its plan. */
async function proposeColor(color: string, previous: string) {
  const branch = `feature-${color}`;
  await world.admin.putFiles({
    ...r(),
    branch: "develop",
    newBranch: branch,
    files: { [MANIFEST_PATH]: e2eManifests(ns, color) },
    message: `Make it ${color}`,
  });
  const pr = await world.admin.as(world.writer).openPullRequest({ ...r(), head: branch, base: "develop" });
  const plans = await waitFor(
    `the plan comment on PR ${pr.number}`,
    async () => {
      const comments = await world.admin.listComments({ ...r(), number: pr.number });
      const mine = comments.filter(
        (c) => c.user.login === world.bot.username && c.body.includes(PLAN_MARKER),
      );
      return mine.length > 0 ? mine : undefined;
    },
    WAIT,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${jobLog(serve)}`);
  });
  const context = `zakenak/plan: ${env}`;
  await waitFor(
    "the plan status to succeed",
    async () => (await statusesOf(world, repo, pr.head.sha)).get(context)?.status === "success",
    WAIT,
  );
  const all = (await world.admin.commitStatuses({ ...r(), ref: pr.head.sha })).sort((a, b) => a.id - b.id);
  expect(all.filter((s) => s.context === context).map((s) => s.status)).toEqual(["pending", "success"]);
  // Still one plan comment once everything settled (the bot edits it in place).
  const again = await world.admin.listComments({ ...r(), number: pr.number });
  expect(
    again.filter((c) => c.user.login === world.bot.username && c.body.includes(PLAN_MARKER)),
  ).toHaveLength(1);
  const body = plans[0]?.body ?? "";
  expect(body).toContain(`ConfigMap ${ns}/settings`);
  expect(body).toMatch(new RegExp(`^\\s*-.*color: ${previous}`, "m"));
  expect(body).toMatch(new RegExp(`^\\s*\\+.*color: ${color}`, "m"));
  return pr;
}

/** Merges a PR and waits for the apply it triggers: the revision, the object and the commit's status. */
async function mergeAndWaitForApply(number: number, color: string, revisions: number) {
  await world.admin.mergePullRequest({ ...r(), number });
  const merged = (await world.admin.getBranch({ ...r(), name: "develop" })).commit.id;
  await waitFor(
    `revision ${revisions} of ${env}`,
    async () => (await listRevisions(client, env)).length === revisions,
    WAIT,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${jobLog(serve)}`);
  });
  expect(await liveData(client, ns, "settings")).toEqual({ color });
  const [newest] = await listRevisions(client, env);
  expect(newest).toMatchObject({ number: revisions, sha: merged, trigger: "apply" });
  const status = await waitFor(
    "the apply status",
    async () => {
      const s = (await statusesOf(world, repo, merged)).get(`zakenak/apply: ${env}`);
      return s?.status === "success" ? s : undefined;
    },
    WAIT,
  );
  expect(status.description).toContain(`revision ${revisions}`);
  return merged;
}

async function commentAndWaitForReply(user: GiteaWorld["writer"], number: number, body: string) {
  const comment = await world.admin.as(user).comment({ ...r(), number, body });
  const marker = replyMarker(String(comment.id));
  return waitFor(
    `the reply to ${user.username}'s ${body}`,
    async () => {
      const comments = await world.admin.listComments({ ...r(), number });
      return comments.find((c) => c.user.login === world.bot.username && c.body.includes(marker))?.body;
    },
    WAIT,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${jobLog(serve)}`);
  });
}

describe("the Gitea loop through zakenak serve", () => {
  it(
    "plans a PR, applies the merge, rolls back for a writer and refuses a reader",
    async () => {
      const first = await proposeColor("green", "blue");
      const firstSha = await mergeAndWaitForApply(first.number, "green", 1);
      expect(await client.get({ apiVersion: "v1", kind: "Namespace", name: ns })).toBeDefined();

      const second = await proposeColor("red", "green");
      await mergeAndWaitForApply(second.number, "red", 2);

      // The same closing checks as the strict-fake loops, here on what the real Gitea got.
      const reply = await commentAndWaitForReply(world.writer, second.number, "/rollback");
      await expectRolledBack(client, { env, ns }, reply, firstSha, world.writer.username);
      const refused = await commentAndWaitForReply(world.reader, second.number, "/rollback");
      await expectRefused(client, { env, ns }, refused, world.reader.username);
    },
    LOOP_TIMEOUT,
  );
});
