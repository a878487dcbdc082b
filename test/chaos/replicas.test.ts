// Replicas: 3 × `zakenak serve` and 3 × `zakenak worker` on one Redis and one Gitea repository whose two
// environments deploy from `main` and `develop`. Every delivery (pushes, pull requests opened and
// synchronized, `/plan` comments) is posted 3 times with the same delivery id, each copy to another serve
// process, all copies in random order. Exactly one apply per pushed head, one plan comment per pull
// request, an empty queue and no crash.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { PLAN_MARKER } from "../../src/commands/plan-comment.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import { deliveryJobId } from "../../src/queue/delivery-queue.js";
import { connectShared, liveData, uniqueName } from "../support/cluster-kit.js";
import { botComments, statusesOf } from "../workers/bot-events.js";
import {
  createTestRepo,
  type GiteaWorld,
  hex,
  startGiteaWorld,
  type TestRepo,
} from "../workers/worker-kit.js";
import {
  chaosSize,
  ensureBuilt,
  type Fleet,
  type GiteaDelivery,
  postGiteaDelivery,
  printFigure,
  startFleet,
} from "./chaos-kit.js";
import { commentPayload, type PayloadRepo, pullRequestPayload, pushPayload } from "./gitea-payloads.js";
import { seededRandom, shuffle, withConcurrency } from "./random-order.js";

const ROUNDS = chaosSize(2, 5);
const PER_ROUND = chaosSize(20, 40);
const COPIES = 3;
const SEED = Number(process.env.ZAKENAK_CHAOS_SEED ?? Date.now() % 1_000_000);
const random = seededRandom(SEED);

// Unique per run: revisions are kept per environment name in the shared cluster.
const ENVS = [
  { name: uniqueName("prod"), branch: "main", dir: "manifests/prod" },
  { name: uniqueName("stage"), branch: "develop", dir: "manifests/stage" },
] as const;
type Env = (typeof ENVS)[number];
const secret = hex(16);

let world: GiteaWorld;
let client: ConnectedKubeClient;
let repo: TestRepo;
let fleet: Fleet;

function zakenakYaml(): string {
  return [
    "environments:",
    ...ENVS.flatMap((e) => [`  - name: ${e.name}`, `    branch: ${e.branch}`]),
    "releases:",
    ...ENVS.flatMap((e) => [
      `  - name: app-${e.branch}`,
      `    manifests: ${e.dir}`,
      `    environments: [${e.name}]`,
    ]),
    "",
  ].join("\n");
}

/** The environment's namespace and one ConfigMap whose `value` says which change is deployed. */
function manifest(env: Env, value: string): Record<string, string> {
  return {
    [`${env.dir}/app.yaml`]: [
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${env.name}\n`,
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ${env.name}\ndata:\n  value: ${value}\n`,
    ].join("---\n"),
  };
}

beforeAll(async () => {
  // Settled, not raced: whatever started is kept for afterAll to stop, even when another start failed.
  const [w, c, built] = await Promise.allSettled([startGiteaWorld(), connectShared(), ensureBuilt()]);
  if (w.status === "fulfilled") world = w.value;
  if (c.status === "fulfilled") client = c.value;
  for (const s of [w, c, built]) if (s.status === "rejected") throw s.reason;
  repo = await createTestRepo(world, {
    ".zakenak.yaml": zakenakYaml(),
    ...manifest(ENVS[0], "initial"),
    ...manifest(ENVS[1], "initial"),
  });
  fleet = await startFleet({
    serves: 3,
    workers: 3,
    env: { GITEA_URL: world.gitea.url, GITEA_TOKEN: world.bot.token, GITEA_WEBHOOK_SECRET: secret },
  });
}, 300_000);

afterAll(async () => {
  const exits = await fleet?.stop();
  await world?.stop();
  client?.close();
  // A clean SIGTERM drains and exits 0.
  for (const [name, exit] of Object.entries(exits ?? {}))
    expect(exit, name).toEqual({ code: 0, signal: null });
}, 120_000);

interface PullRequest {
  number: number;
  branch: string;
  base: Env;
  headSha: string;
  /** The ConfigMap value at the head: the plan comment must show the newest. */
  value: string;
}

const r = () => ({ owner: repo.owner, repo: repo.name });
const payloadRepo = (): PayloadRepo => ({ owner: repo.owner, name: repo.name, defaultBranch: "main" });

/** Round `round`'s changes in Gitea, and the deliveries that tell of them (not yet posted). */
async function makeRound(
  round: number,
  prs: PullRequest[],
): Promise<{ deliveries: GiteaDelivery[]; heads: string[] }> {
  const admin = world.admin;
  const writer = world.admin.as(world.writer);
  const deliveries: GiteaDelivery[] = [];
  const delivery = (event: string, payload: unknown) =>
    deliveries.push({ event, deliveryId: `chaos-${round}-${deliveries.length}-${hex(4)}`, payload });

  // A new commit on each environment's branch (git writes one at a time: one repository).
  const heads: string[] = [];
  for (const env of ENVS) {
    const { commitSha } = await admin.putFiles({
      ...r(),
      branch: env.branch,
      files: manifest(env, `round-${round}`),
      message: `Round ${round}`,
    });
    heads.push(commitSha);
    delivery("push", pushPayload(payloadRepo(), env.branch, commitSha, world.writer.username));
  }

  const rest = PER_ROUND - ENVS.length;
  const earlier = [...prs];
  const syncs = round === 1 ? 0 : Math.min(Math.floor(rest / 3), earlier.length);
  const opens = round === 1 ? Math.ceil(rest / 2) : Math.floor(rest / 3);
  const plans = rest - syncs - opens;

  // Pull requests, their updates and the comments are made a few at a time, each on its own branch.
  const proposed: PullRequest[] = [];
  await withConcurrency([...Array(opens).keys()], 4, async (i) => {
    const base = ENVS[i % ENVS.length] as Env;
    const branch = `change-${round}-${i}`;
    const value = `pr-${round}-${i}`;
    const { commitSha } = await admin.putFiles({
      ...r(),
      branch: base.branch,
      newBranch: branch,
      files: manifest(base, value),
      message: `Propose ${value}`,
    });
    const opened = await writer.openPullRequest({ ...r(), head: branch, base: base.branch });
    proposed[i] = { number: opened.number, branch, base, headSha: commitSha, value };
  });
  for (const pr of proposed) {
    prs.push(pr);
    delivery(
      "pull_request",
      pullRequestPayload(payloadRepo(), prPayload(pr), "opened", world.writer.username),
    );
  }
  const updated = shuffle(earlier, random).slice(0, syncs);
  await withConcurrency(updated, 4, async (pr) => {
    pr.value = `${pr.value}-sync-${round}`;
    const { commitSha } = await admin.putFiles({
      ...r(),
      branch: pr.branch,
      files: manifest(pr.base, pr.value),
      message: `Update to ${pr.value}`,
    });
    pr.headSha = commitSha;
  });
  for (const pr of updated) {
    delivery(
      "pull_request_sync",
      pullRequestPayload(payloadRepo(), prPayload(pr), "synchronized", world.writer.username),
    );
  }
  const planned = Array.from({ length: plans }, () => prs[Math.floor(random() * prs.length)] as PullRequest);
  const comments: number[] = [];
  await withConcurrency([...planned.keys()], 6, async (i) => {
    const pr = planned[i] as PullRequest;
    comments[i] = (await writer.comment({ ...r(), number: pr.number, body: "/plan" })).id;
  });
  for (const [i, pr] of planned.entries()) {
    delivery(
      "pull_request_comment",
      commentPayload(payloadRepo(), {
        number: pr.number,
        id: comments[i] as number,
        body: "/plan",
        author: world.writer.username,
      }),
    );
  }
  return { deliveries, heads };
}

function prPayload(pr: PullRequest) {
  return { number: pr.number, headSha: pr.headSha, headBranch: pr.branch, baseBranch: pr.base.branch };
}

describe("3 serve and 3 worker processes on one Redis", () => {
  it(
    "handle every delivery once however often and wherever it arrives",
    async () => {
      const started = Date.now();
      const prs: PullRequest[] = [];
      const pushed: Record<string, string[]> = Object.fromEntries(ENVS.map((e) => [e.name, []]));
      const ids: string[] = [];
      const replies: Record<string, number> = {};
      // Time spent making the changes in Gitea, and from the first post to an empty queue.
      let giteaMs = 0;
      let handledMs = 0;
      for (let round = 1; round <= ROUNDS; round++) {
        const made = Date.now();
        const { deliveries, heads } = await makeRound(round, prs);
        const posting = Date.now();
        giteaMs += posting - made;
        for (const [i, env] of ENVS.entries()) pushed[env.name]?.push(heads[i] as string);
        ids.push(...deliveries.map((d) => d.deliveryId as string));
        // Copy k of delivery i goes to serve (i + k) mod 3: every copy to another process.
        const copies = deliveries.flatMap((d, i) =>
          Array.from({ length: COPIES }, (_, k) => ({ d, url: fleet.serveUrls[(i + k) % 3] as string })),
        );
        await withConcurrency(shuffle(copies, random), 12, async ({ d, url }) => {
          const reply = await postGiteaDelivery(url, secret, d);
          expect(reply.status, JSON.stringify(reply.body)).toBe(202);
          const result = String(reply.body.result);
          replies[result] = (replies[result] ?? 0) + 1;
        });
        // The next round's commits would make this round's pushes stale: each round settles first.
        const counts = await fleet.waitForQueueEmpty(chaosSize(240_000, 600_000));
        handledMs += Date.now() - posting;
        expect(counts.failed, fleet.explain()).toBe(0);
      }

      // Every delivery id is one job, completed.
      for (const id of ids) {
        const job = await fleet.queue.getJob(deliveryJobId({ host: "gitea", id }));
        expect(await job?.getState(), id).toBe("completed");
      }
      expect((replies.accepted ?? 0) + (replies.duplicate ?? 0)).toBe(ids.length * COPIES);
      // Intake dedupes on the delivery id; copies racing each other may both be accepted, once queued.
      expect(replies.accepted ?? 0).toBeGreaterThanOrEqual(ids.length);

      // Exactly one apply per pushed head: in the history and in the logs of all processes together.
      let applies = 0;
      const applying = fleet.logs().filter((l) => /^revision \d+: applying \d+ objects to /.test(l.msg));
      for (const env of ENVS) {
        const revisions = await listRevisions(client, env.name);
        const heads = pushed[env.name] as string[];
        expect(revisions.map((rev) => [rev.sha, rev.result, rev.trigger]).reverse(), fleet.explain()).toEqual(
          heads.map((sha) => [sha, "succeeded", "apply"]),
        );
        for (const sha of heads) {
          expect(
            applying.filter((l) => l.environment === env.name && l.sha === sha),
            `${env.name} ${sha}`,
          ).toHaveLength(1);
        }
        applies += revisions.length;
        expect(await liveData(client, env.name, "settings")).toEqual({ value: `round-${ROUNDS}` });
      }

      // One plan comment per pull request, showing its newest head, and that head's plan status.
      let planComments = 0;
      for (const pr of prs) {
        const plans = await botComments(world, repo, pr.number, PLAN_MARKER);
        expect(plans, `plan comments on #${pr.number}`).toHaveLength(1);
        expect(plans[0]?.body, `plan of #${pr.number}`).toContain(pr.value);
        const status = (await statusesOf(world, repo, pr.headSha)).get(`zakenak/plan: ${pr.base.name}`);
        expect(status?.status, `plan status of #${pr.number} at ${pr.headSha}`).toBe("success");
        planComments += plans.length;
      }
      expect(fleet.crashed(), fleet.explain()).toEqual([]);
      const counts = await fleet.counts();
      printFigure("replicas", {
        processes: "3 serve + 3 worker",
        deliveries: ids.length,
        posts: ids.length * COPIES,
        duplicates: replies.duplicate ?? 0,
        applies,
        pull_requests: prs.length,
        plan_comments: planComments,
        failed_jobs: counts.failed ?? 0,
        scheduled: counts.delayed ?? 0,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        handling_seconds: Math.round(handledMs / 100) / 10,
        gitea_setup_seconds: Math.round(giteaMs / 100) / 10,
        seed: SEED,
      });
    },
    chaosSize(600_000, 1_800_000),
  );
});
