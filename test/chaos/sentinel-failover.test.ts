// Scenario `sentinel-failover`: a burst of deliveries to real `zakenak serve` processes reaching Redis
// through Sentinel, while the master is killed (SIGKILL) and the sentinels promote its replica. Intake
// answers 503 until the processes have found the new master through the sentinels, then 202 again, and
// the workers go on, with no process restarted. See sentinel-topology.ts for what a killed master can
// lose in general (asynchronous replication) and why this scenario still expects to lose nothing.
import { afterEach, beforeAll, it } from "vitest";
import { CHAOS_FULL, ensureBuilt } from "./chaos-kit.js";
import { type RedisFaultTopology, runRedisFaultBurst } from "./redis-fault-burst.js";
import { sentinelFailover } from "./sentinel-topology.js";

beforeAll(ensureBuilt, 600_000);

let topology: RedisFaultTopology | undefined;
afterEach(async () => {
  await topology?.stop();
  topology = undefined;
});

it(
  "loses no accepted delivery, refuses quickly during the failover and resumes on the promoted replica",
  async () => {
    topology = await sentinelFailover();
    await runRedisFaultBurst("sentinel-failover", topology);
  },
  CHAOS_FULL ? 1_800_000 : 900_000,
);
