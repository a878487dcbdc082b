import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { botChartSettings } from "../../src/cli/chart-settings.js";
import { PLAN_MARKER } from "../../src/commands/plan-comment.js";
import { parseServerConfig } from "../../src/config/load-server-config.js";
import { uniqueName, waitFor } from "../support/cluster-kit.js";
import { type OciRegistry, startOciRegistry } from "../support/oci-registry.js";
import { configMapChart, packageChart, pushChart } from "../support/registry/helm-charts.js";
import { botComments, pullRequestEvent, pushEvent } from "../workers/bot-events.js";
import {
  type BotUnderTest,
  botUnderTest,
  createTestRepo,
  type TestRepo,
  useWorldAndCluster,
} from "../workers/worker-kit.js";

const PASSWORD = `bot-reg-${randomBytes(9).toString("hex")}`;
const ENV = uniqueName("rcbot");
const NAMESPACE = uniqueName("rcbot-ns");
const shared = useWorldAndCluster();

let registry: OciRegistry;
let digest: string;
let bot: BotUnderTest;
let repo: TestRepo;
let work: string;

function zakenakYaml(withChart: boolean): string {
  return [
    "environments:",
    `  - name: ${ENV}`,
    "    branch: develop",
    "releases:",
    "  - name: namespace",
    "    manifests: manifests",
    ...(withChart
      ? [
          "  - name: web",
          `    namespace: ${NAMESPACE}`,
          `    chart: oci://${registry.host}/charts/demo`,
          "    version: 0.1.0",
        ]
      : []),
    "",
  ].join("\n");
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "zakenak-remote-charts-bot-"));
  registry = await startOciRegistry({ auth: { username: "ci", password: PASSWORD } });
  ({ digest } = await pushChart(
    registry,
    await packageChart(configMapChart("demo", "0.1.0"), work),
    "charts",
  ));
  // The operator's server configuration, as `serve` reads it: the password is named, never written.
  const server = parseServerConfig(
    `registries:\n  - host: "${registry.host}"\n    username: ci\n    passwordEnv: ZK_BOT_REGISTRY_PASSWORD\n    plainHttp: true\n`,
    "server.yaml",
  );
  bot = botUnderTest(shared.world);
  await bot.start({
    charts: await botChartSettings(
      { ZAKENAK_CACHE_DIR: bot.cacheDir, ZK_BOT_REGISTRY_PASSWORD: PASSWORD },
      server,
    ),
  });
  repo = await createTestRepo(shared.world, {
    ".zakenak.yaml": zakenakYaml(false),
    "manifests/namespace.yaml": `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${NAMESPACE}\n`,
  });
}, 300_000);

afterAll(async () => {
  await bot?.close();
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("the bot with remote charts and the server configuration's registries", () => {
  it("plans a pull request adding an oci:// chart, with its digest in the comment", async () => {
    const { world } = shared;
    await world.admin.putFiles({
      owner: repo.owner,
      repo: repo.name,
      branch: "develop",
      newBranch: "add-chart",
      files: { ".zakenak.yaml": zakenakYaml(true) },
      message: "Add the demo chart",
    });
    const pr = await world.admin.openPullRequest({
      owner: repo.owner,
      repo: repo.name,
      head: "add-chart",
      base: "develop",
    });
    const plan = await bot.deliver(await pullRequestEvent(world, repo, pr.number));
    const job = await bot.finished(plan.jobId);
    expect(job.returnvalue).toMatchObject({ result: "planned", valid: true });
    const [comment] = await botComments(world, repo, pr.number, PLAN_MARKER);
    expect(comment?.body).toContain("**Charts pulled:**");
    expect(comment?.body).toContain(`\`oci://${registry.host}/charts/demo 0.1.0\` \`${digest}\``);
    expect(comment?.body).toContain("create** `ConfigMap");
    expect(comment?.body).not.toContain(PASSWORD);
  });

  it("applies a push with the chart and records its digest in the revision", async () => {
    const { world, client } = shared;
    const { commitSha } = await world.admin.putFiles({
      owner: repo.owner,
      repo: repo.name,
      branch: "develop",
      files: { ".zakenak.yaml": zakenakYaml(true) },
      message: "Deploy the demo chart",
    });
    await bot.deliver(pushEvent(repo, "develop", commitSha, world.writer.username));
    const revision = await waitFor(
      "the push to be applied",
      async () =>
        (await listRevisions(client, ENV)).find((r) => r.sha === commitSha && r.result === "succeeded"),
      { timeoutMs: 90_000, intervalMs: 200 },
    );
    expect(revision.charts).toEqual([
      {
        release: "web",
        source: `oci://${registry.host}/charts/demo`,
        name: "demo",
        version: "0.1.0",
        digest,
      },
    ]);
    const deployed = await client.get({
      apiVersion: "v1",
      kind: "ConfigMap",
      namespace: NAMESPACE,
      name: "web-demo",
    });
    expect(deployed?.data).toEqual({ greeting: "hello", chart: "demo-0.1.0" });
    expect(JSON.stringify(bot.logs.lines)).not.toContain(PASSWORD);
  });
});
