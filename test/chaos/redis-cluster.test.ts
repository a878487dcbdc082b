// Scenario `redis-cluster`: the same burst on a Redis Cluster of three masters, AOF `appendfsync always`,
// while the master holding Zakenak's `{zakenak}` slot is killed (SIGKILL) and started again. Intake
// answers 503 while the slot is down, then 202 again through the Cluster client, and the workers go on,
// with no process restarted and no accepted delivery lost.
import { afterEach, beforeAll, it } from "vitest";
import { CHAOS_FULL, ensureBuilt } from "./chaos-kit.js";
import { restartedClusterMaster } from "./cluster-topology.js";
import { type RedisFaultTopology, runRedisFaultBurst } from "./redis-fault-burst.js";

beforeAll(ensureBuilt, 600_000);

let topology: RedisFaultTopology | undefined;
afterEach(async () => {
  await topology?.stop();
  topology = undefined;
});

it(
  "loses no accepted delivery, refuses quickly while the {zakenak} slot's master is down and resumes after its restart",
  async () => {
    topology = await restartedClusterMaster();
    await runRedisFaultBurst("redis-cluster", topology);
  },
  CHAOS_FULL ? 1_800_000 : 900_000,
);
