import { afterAll, beforeAll } from "vitest";
import { createMetrics, type Metrics } from "../../src/server/metrics.js";
import { workerMetrics } from "../../src/workers/worker-metrics.js";
import { uniqueName } from "../support/cluster-kit.js";
import { webManifests } from "./repo-files.js";
import {
  type BotUnderTest,
  botUnderTest,
  createTestRepo,
  type TestRepo,
  type WorldAndCluster,
} from "./worker-kit.js";

/**
 * The set-up the apply tests share: three environments (`dev` on develop with a health timeout, `prod`
 * on `v*` tags, `signed` requiring signed commits), a repository deploying the `app` release into
 * namespace `ns`, and a bot that waits for health. `bot` and `repo` are set once `beforeAll` has run.
 */
export interface ApplyScenario extends WorldAndCluster {
  dev: string;
  prod: string;
  signed: string;
  ns: string;
  bot: BotUnderTest;
  repo: TestRepo;
  /** The bot's Prometheus registry, as `serve` and `worker` export it. */
  metrics: Metrics;
  /** Commits the app manifests in `color` (and `image`) to `branch`; returns the commit's sha. */
  push(branch: string, color: string, image?: string): Promise<string>;
}

/** Registers the scenario's hooks; call it inside a `describe`. */
export function useApplyScenario(env: WorldAndCluster): ApplyScenario {
  const dev = uniqueName("dev");
  const prod = uniqueName("prod");
  const signed = uniqueName("signed");
  const ns = uniqueName("shop");

  const config = `environments:
  - name: ${dev}
    branch: develop
    healthTimeoutSeconds: 120
  - name: ${prod}
    tag: "v*"
  - name: ${signed}
    branch: signed
    requireSignedCommits: true
releases:
  - name: app
    manifests: manifests/app
    environments: [${dev}, ${signed}]
  - name: edge
    manifests: manifests/edge
    environments: [${prod}]
`;

  const scenario = {
    get world() {
      return env.world;
    },
    get client() {
      return env.client;
    },
    dev,
    prod,
    signed,
    ns,
    async push(branch: string, color: string, image = "nginx:1.27.0") {
      const { owner, name } = scenario.repo;
      const files = { "manifests/app/app.yaml": webManifests(ns, image, color) };
      return (await env.world.admin.putFiles({ owner, repo: name, branch, files, message: `Color ${color}` }))
        .commitSha;
    },
  } as ApplyScenario;

  beforeAll(async () => {
    scenario.bot = botUnderTest(env.world);
    scenario.repo = await createTestRepo(env.world, {
      ".zakenak.yaml": config,
      "manifests/app/app.yaml": webManifests(ns, "nginx:1.27.0", "blue"),
      "manifests/edge/edge.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: edge\n  namespace: default\ndata:\n  env: ${prod}\n`,
    });
    // Health is waited for: the test plays the Deployment controller.
    scenario.metrics = createMetrics();
    await scenario.bot.start({
      concurrency: 4,
      kube: { applyWait: true, lockWaitMs: 120_000 },
      metrics: workerMetrics(scenario.metrics),
    });
  });

  afterAll(async () => {
    await scenario.bot?.close();
  });

  return scenario;
}
