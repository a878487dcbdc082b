// Scenario `redis-restart`: a burst of deliveries to real `zakenak serve` processes while their Redis, with
// AOF on and `appendfsync always`, is killed with SIGKILL and started again on the same port and data.
// `always` is what the README recommends: Redis writes and fsyncs each command before it replies, so a
// delivery answered 202 is on disk. With `everysec` it is written but fsynced up to a second later: a
// killed Redis process loses nothing (the kernel still has the file), but a crash of the machine can
// lose the last second of accepted deliveries.
import { afterEach, beforeAll, it } from "vitest";
import { CHAOS_FULL, ensureBuilt } from "./chaos-kit.js";
import type { RedisFaultTopology } from "./redis-fault-burst.js";
import { runRedisFaultBurst } from "./redis-fault-burst.js";
import { restartedRedis } from "./restarted-redis.js";

beforeAll(ensureBuilt, 600_000);

let topology: RedisFaultTopology | undefined;
afterEach(async () => {
  await topology?.stop();
  topology = undefined;
});

it(
  "loses no accepted delivery, refuses quickly during the outage and resumes by itself when Redis restarts",
  async () => {
    topology = await restartedRedis({ fsync: "always", signal: "SIGKILL" });
    await runRedisFaultBurst("redis-restart", topology);
  },
  CHAOS_FULL ? 1_800_000 : 900_000,
);
