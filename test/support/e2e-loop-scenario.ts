import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import { connectShared, liveData, waitFor } from "./cluster-kit.js";
import type { LoopPullRequest, LoopSetup } from "./e2e-loop-host.js";
import { applyPhase, commandPhase, expectRealPlan, type Loop, loopOf, planPhase } from "./e2e-loop-phases.js";
import { type LoopRepo, loopRepo } from "./e2e-loop-repo.js";
import { type RunningServe, startServe } from "./e2e-serve.js";
import { type StrictHttpFake, startStrictHttpFake } from "./strict-http-fake.js";

/**
 * One loop through `zakenak serve` against a strict fake of a Git host: plan a pull request, apply its
 * merge, plan and apply a second one, roll back for a writer and refuse a reader. The scenario is the
 * same for every host; a `LoopSetup` supplies serve's variables, the host's webhooks and its answers.
 */

const START_TIMEOUT = 120_000;
const LOOP_TIMEOUT = 180_000;

/** The loop's test for one host: starts the fake, the cluster client and serve, runs, then stops it all. */
export function runLoop(name: string, setup: LoopSetup): void {
  describe(`the ${name} loop through zakenak serve`, () => {
    const repo = loopRepo(setup.prefix);
    let fake: StrictHttpFake | undefined;
    let serve: RunningServe | undefined;
    let client: ConnectedKubeClient | undefined;
    let loop: Loop | undefined;

    beforeAll(async () => {
      [fake, client] = await Promise.all([startStrictHttpFake(), connectShared()]);
      serve = await startServe(setup.serveEnv(fake.url));
      const world = { fake, serve, client, repo };
      loop = loopOf(world, setup.host(world));
    }, START_TIMEOUT);

    afterAll(() => stopLoop(serve, fake, client));

    it(
      "plans a pull request, applies the merge, rolls back for a writer and refuses a reader",
      () => {
        if (!loop) throw new Error("the loop did not start");
        return steps(loop);
      },
      LOOP_TIMEOUT,
    );
  });
}

/** The loop itself: plan, apply, plan, apply, /rollback by a writer, /rollback refused to a reader. */
async function steps(loop: Loop): Promise<void> {
  const { repo, client, host } = loop;
  const d0 = repo.commit("blue");
  const first = proposal(repo, 1, "green", d0);
  expectRealPlan(repo, await planPhase(loop, first, true), "blue", "green");

  const m1 = repo.merge(first.head);
  await applyPhase(loop, { ...first, mergeSha: m1 }, d0, undefined, 1);
  await waitFor(
    "the ConfigMap",
    async () => (await liveData(client, repo.ns, "settings"))?.color === "green",
  );
  expect(await client.get({ apiVersion: "v1", kind: "Namespace", name: repo.ns })).toBeDefined();

  const second = proposal(repo, 2, "red", m1);
  expectRealPlan(repo, await planPhase(loop, second, false), "green", "red");
  const m2 = repo.merge(second.head);
  await applyPhase(loop, { ...second, mergeSha: m2 }, m1, m1, 2);
  expect(await liveData(client, repo.ns, "settings")).toEqual({ color: "red" });
  const merged = { ...second, mergeSha: m2, developTip: m2 };

  const reply = await commandPhase(loop, merged, "writer", "/rollback");
  await expectRolledBack(client, repo, reply, m1, host.users.writer);
  const refused = await commandPhase(loop, merged, "reader", "/rollback");
  await expectRefused(client, repo, refused, host.users.reader);
}

/** Pull request `number` from a new branch that makes the ConfigMap `color`, while develop is at `developTip`. */
function proposal(repo: LoopRepo, number: number, color: string, developTip: string): LoopPullRequest {
  return { number, head: repo.commit(color), headRef: `feature-${color}`, developTip };
}

/** Where the loop deploys: the environment and the namespace of its ConfigMap. */
export type LoopTarget = Pick<LoopRepo, "env" | "ns">;

/** A writer's /rollback after two applies: back to revision 1 (`firstSha`), recorded as revision 3. */
export async function expectRolledBack(
  client: ConnectedKubeClient,
  { env, ns }: LoopTarget,
  reply: string,
  firstSha: string,
  writer: string,
): Promise<void> {
  expect(reply).toContain(`Rolled \`${env}\` back to revision **1** (\`${firstSha.slice(0, 12)}\`)`);
  expect(reply).toContain("recorded as revision **3**");
  expect(await liveData(client, ns, "settings")).toEqual({ color: "green" });
  expect((await listRevisions(client, env))[0]).toMatchObject({
    number: 3,
    trigger: "rollback",
    rollbackOf: 1,
    actor: writer,
  });
}

/** A reader's /rollback after that: refused for want of write permission, nothing recorded or changed. */
export async function expectRefused(
  client: ConnectedKubeClient,
  { env, ns }: LoopTarget,
  reply: string,
  reader: string,
): Promise<void> {
  expect(reply).toContain(
    `@${reader}, \`/rollback\` needs **write** permission on this repository; you have **read**.`,
  );
  expect(await listRevisions(client, env)).toHaveLength(3);
  expect(await liveData(client, ns, "settings")).toEqual({ color: "green" });
}

/** Stops serve, then checks nothing reached the fake after the last phase, not even while serve shut down. */
async function stopLoop(
  serve: RunningServe | undefined,
  fake: StrictHttpFake | undefined,
  client: ConnectedKubeClient | undefined,
): Promise<void> {
  const code = await serve?.stop();
  const late = (() => {
    try {
      fake?.verify();
      return "";
    } catch (error) {
      return (error as Error).message;
    }
  })();
  await fake?.close();
  expect(late).toBe("");
  client?.close();
  expect(code ?? 0).toBe(0);
}
